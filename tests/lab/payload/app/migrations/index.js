// Made by `payload migrate:create initial` (converted to plain JS; Turbopack needs extensionless imports).
import * as migration_20261129_031512_initial from './20261129_031512_initial';

export const migrations = [
  {
    up: migration_20261129_031512_initial.up,
    down: migration_20261129_031512_initial.down,
    name: '20261129_031512_initial'
  },
];
