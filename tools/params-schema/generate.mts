// Writes pipelines/params/params.schema.json from the stages' params schemas
// (npm run params:schema). With --check it writes nothing: it fails when the
// committed schema is out of date or a params file does not pass its stages'
// validators (npm run params:schema -- --check).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkParamsFile, paramsFiles, paramsSchemaText, REGENERATE, REPO_ROOT, SCHEMA_FILE } from './params-schema.mts';

const text = paramsSchemaText();
if (process.argv.includes('--check')) {
  let failed = false;
  let committed = '';
  try {
    committed = readFileSync(join(REPO_ROOT, SCHEMA_FILE), 'utf8');
  } catch {
    // reported below
  }
  if (committed !== text) {
    process.stderr.write(`${SCHEMA_FILE} is out of date with the stages' params schemas; run \`${REGENERATE}\`\n`);
    failed = true;
  }
  for (const file of paramsFiles()) {
    try {
      checkParamsFile(file);
      process.stdout.write(`${file}: ok\n`);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
} else {
  writeFileSync(join(REPO_ROOT, SCHEMA_FILE), text);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
