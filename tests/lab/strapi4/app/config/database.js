// SQLite only. The database file lives outside the repository: up.sh sets DATABASE_FILENAME to an
// absolute path under $DRAFTLEAK_LAB_DIR/strapi/ (path.resolve keeps absolute paths as they are).
const path = require('path');

module.exports = ({ env }) => ({
  connection: {
    client: 'sqlite',
    connection: {
      filename: path.resolve(__dirname, '..', env('DATABASE_FILENAME', '.tmp/data.db')),
    },
    useNullAsDefault: true,
    acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
  },
});
