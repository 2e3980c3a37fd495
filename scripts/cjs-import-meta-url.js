// Injected into the CommonJS bundle of the CLI (dist/cli/ferry.cjs), where `import.meta` does not
// exist: `import.meta.url` in the sources becomes this, the bundle's own file URL.
export const ferryModuleUrl = require('node:url').pathToFileURL(__filename).href;
