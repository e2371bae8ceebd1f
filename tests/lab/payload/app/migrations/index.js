// Made by `payload migrate:create` (converted to plain JS; Turbopack needs extensionless imports).
import * as migration_20261129_031512_initial from './20261129_031512_initial';
import * as migration_20261202_010728_users_api_key from './20261202_010728_users_api_key';

export const migrations = [
  {
    up: migration_20261129_031512_initial.up,
    down: migration_20261129_031512_initial.down,
    name: '20261129_031512_initial'
  },
  {
    up: migration_20261202_010728_users_api_key.up,
    down: migration_20261202_010728_users_api_key.down,
    name: '20261202_010728_users_api_key'
  },
];
