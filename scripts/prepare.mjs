// `prepare`: build dist/. npm runs it on `npm install` in a checkout and again on `npm pack`;
// pre-commit's node hooks do both, one after the other, so `npm pack` skips a build whose output is
// newer than every input. Everything else (publish, a plain install, `npm run build`) always builds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

function newestInput(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestInput(join(path, entry))));
}

function builtAndFresh() {
  const output = join(root, 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(output)) return false;
  const inputs = ['src', 'rules', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(root, p));
  return statSync(output).mtimeMs >= Math.max(...inputs.map(newestInput));
}

if (process.env.npm_command === 'pack' && builtAndFresh()) process.exit(0);
const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
