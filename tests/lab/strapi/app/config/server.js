// The lab binds to loopback only. HOST/PORT come from tests/lab/strapi/up.sh.
module.exports = ({ env }) => ({
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  // public/ (and so public/uploads) lives under $DRAFTLEAK_LAB_DIR/strapi/, never in the repository.
  dirs: {
    public: env('STRAPI_PUBLIC_DIR', './public'),
  },
  app: {
    keys: env.array('APP_KEYS'),
  },
  // No update check against the npm registry at start-up (Strapi 5 ignores
  // STRAPI_DISABLE_UPDATE_NOTIFICATION and only logs that it is no longer supported).
  logger: {
    updates: {
      enabled: false,
    },
  },
  webhooks: {
    populateRelations: env.bool('WEBHOOKS_POPULATE_RELATIONS', false),
  },
});
