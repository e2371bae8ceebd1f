// The lab binds to loopback only. HOST/PORT come from tests/lab/strapi4/up.sh.
module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1338),
  // public/ (and so public/uploads) lives under $DRAFTLEAK_LAB_DIR/strapi4/, never in the repository.
  dirs: {
    public: env('STRAPI_PUBLIC_DIR', './public'),
  },
  app: {
    keys: env.array('APP_KEYS'),
  },
  webhooks: {
    populateRelations: env.bool('WEBHOOKS_POPULATE_RELATIONS', false),
  },
});
