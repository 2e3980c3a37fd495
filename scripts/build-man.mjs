// Writes dist/ferry.1 from the built option table (run by `npm run build`, after tsc).
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMan } from '../dist/cli/man.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
writeFileSync(new URL('../dist/ferry.1', import.meta.url), renderMan(version));
