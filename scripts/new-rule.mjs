// npm run new-rule -- <rule-id> [--root <repo>]
// Creates rules/<id>/ (rule.ts, README.md with the required sections) and a valid and an invalid
// fixture under fixtures/rules/<id>/ from rules/_template/, adds the rule to the config schema and
// to the README rules table, and regenerates the registry. The new fixtures fail until the rule is
// written: that is the point.
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRegistry } from './generate-rule-registry.mjs';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? args.splice(rootAt, 2)[1] : join(dirname(fileURLToPath(import.meta.url)), '..');
const [id] = args;
if (!id || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) {
  console.error('usage: npm run new-rule -- <rule-id>   (kebab-case, e.g. metric-help-missing)');
  process.exit(2);
}
const ruleDir = join(root, 'rules', id);
const fixtureDir = join(root, 'fixtures', 'rules', id);
if (existsSync(ruleDir) || existsSync(fixtureDir)) {
  console.error(`rules/${id} or fixtures/rules/${id} already exists: nothing written`);
  process.exit(2);
}
const template = join(root, 'rules', '_template');
const fill = (dir) => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) fill(path);
    else writeFileSync(path, readFileSync(path, 'utf8').replaceAll('{{rule-id}}', id));
  }
};
cpSync(template, ruleDir, { recursive: true, filter: (src) => !src.startsWith(join(template, 'fixtures')) });
cpSync(join(template, 'fixtures', 'valid'), join(fixtureDir, 'valid-clean'), { recursive: true });
cpSync(join(template, 'fixtures', 'invalid'), join(fixtureDir, 'invalid-reported'), { recursive: true });
for (const dir of [ruleDir, fixtureDir]) fill(dir);
// The template's first line says how it is copied; the copy is a rule of its own.
const ruleFile = join(ruleDir, 'rule.ts');
writeFileSync(ruleFile, readFileSync(ruleFile, 'utf8').replace(/^\/\/ Copied by .*\n/, ''));

// Config schema: the rule's severity setting (without options until the rule has some).
const schemaPath = join(root, 'schema', 'obslint.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
schema.properties.rules.properties[id] = { $ref: '#/definitions/noOptions' };
writeFileSync(schemaPath, `${JSON.stringify(schema, null, 2)}\n`);

// README rules table: a row after the last one.
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8').split('\n');
const header = readme.findIndex((line) => /^\|\s*rule\s*\|\s*default\s*\|/.test(line));
if (header >= 0) {
  let last = header + 1;
  while (readme[last + 1]?.startsWith('|')) last++;
  readme.splice(last + 1, 0, `| [${id}](rules/${id}/README.md) | warn | TODO: what it finds |`);
  writeFileSync(readmePath, readme.join('\n'));
}

const count = generateRegistry(root);
// Formatted like the rest of the tree, where the formatter is installed (a development checkout).
try {
  const prettier = await import('prettier');
  for (const file of [schemaPath, readmePath, ruleFile, join(ruleDir, 'README.md')]) {
    const options = await prettier.resolveConfig(file);
    writeFileSync(file, await prettier.format(readFileSync(file, 'utf8'), { ...options, filepath: file }));
  }
} catch {
  console.log('(prettier not installed: run `npm run format` after installing the dev dependencies)');
}
console.log(`created rules/${id}/ (rule.ts, README.md) and fixtures/rules/${id}/{valid-clean,invalid-reported}/`);
console.log(`added ${id} to schema/obslint.schema.json and the README rules table; rules/index.ts: ${count} rules`);
console.log('next: write the rule, fill in the docs and fixtures: npm test fails until they agree');
