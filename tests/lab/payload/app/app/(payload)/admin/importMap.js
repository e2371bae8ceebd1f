// No custom admin components in the lab.
export const importMap = {};
