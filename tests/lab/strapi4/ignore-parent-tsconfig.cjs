// Preloaded (node --require) for `strapi build` only (the same preload as ../strapi/, kept here so each lab stands alone). Pitfall: the Strapi CLI looks for
// tsconfig.json in the app folder AND every folder above it (ts.findConfigFile), so inside this
// repository it finds draftleak's own tsconfig.json, takes the plain-JS lab app for a TypeScript
// project, and fails at "Compiling TS" (no inputs). Hide every tsconfig.json outside the app.
'use strict';
const path = require('node:path');

const appDir = path.resolve(process.env.STRAPI_LAB_APP_DIR || process.cwd());
const ts = require(require.resolve('typescript', { paths: [appDir] }));
const fileExists = ts.sys.fileExists.bind(ts.sys);
ts.sys.fileExists = (file) => {
  if (path.basename(file) === 'tsconfig.json' && !path.resolve(file).startsWith(appDir + path.sep)) return false;
  return fileExists(file);
};
