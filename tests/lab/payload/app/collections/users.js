/** The admin users (auth collection). The first one is made through POST /api/users/first-register. */
export const Users = {
  slug: 'users',
  auth: true,
  admin: { useAsTitle: 'email' },
  fields: [],
};
