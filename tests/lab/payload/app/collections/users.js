/**
 * The admin users (auth collection). The first one is made through POST /api/users/first-register.
 * useAPIKey: a user may have an API key (Authorization: users API-Key <key>); seed.mjs gives one to
 * the audit user that `draftleak audit` takes its inventory with.
 */
export const Users = {
  slug: 'users',
  auth: { useAPIKey: true },
  admin: { useAsTitle: 'email' },
  fields: [],
};
