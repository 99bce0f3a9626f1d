import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ts } from 'ts-morph';
import type { PathAlias, WorkspacePackage } from '../extract/syntax/module-resolver.js';
import type { Notice } from '../types.js';
import type { Consulted } from './consulted.js';
import { unclosedJson } from './json-text.js';
import { displayPath, toPosix } from '../util/paths.js';

/** What obslint takes from one tsconfig.json or jsconfig.json, after its `extends` chain. */
export interface ProjectConfig {
  /** `paths` aliases, then `baseUrl` as the `*` → `*` fallback TypeScript gives it, scoped to the config's directory. */
  aliases: PathAlias[];
  /** `outDir` and `declarationDir`, absolute: build output, never source. */
  outputDirectories: string[];
}

/** Diagnostics that change what obslint reads; option checks (deprecations, unknown options) are the compiler's job. */
const READ_ERRORS = new Set([
  5083, // Cannot read file
  5092, // The root value of a tsconfig.json file must be an object
  6053, // File not found (an `extends` package)
  18000, // Circularity detected while resolving configuration
]);
const NO_INPUTS = 18003;
const RELEVANT_OPTIONS = /'(extends|baseUrl|paths|outDir|declarationDir)'/;

/**
 * Reads tsconfig/jsconfig files with TypeScript's own parser, so `extends` chains (relative files,
 * packages in node_modules, arrays of configs) merge exactly as the compiler merges them. A config
 * package of the repository's own workspaces is read from its sources when it is not installed.
 * Broken configs (invalid JSON, a missing or circular `extends`) become notices with their location;
 * what could be read is still used.
 */
export class ProjectConfigReader {
  private readonly extendedCache = new Map<string, ts.ExtendedConfigCacheEntry>();
  private readonly reported = new Set<string>();
  readonly notices: Notice[] = [];
  private readonly host: ts.ParseConfigFileHost;

  constructor(
    private readonly root: string,
    /** The repository's own packages, by name (filled as discovery finds them). */
    packages: ReadonlyMap<string, WorkspacePackage>,
    private readonly consulted: Consulted,
  ) {
    // `extends: "@repo/tsconfig/base.json"` in a workspace that is not installed: read the package's own directory.
    const located = (path: string): string => {
      this.consulted.probes.add(path);
      if (ts.sys.fileExists(path)) return path;
      const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)(.*)$/.exec(path);
      const dir = match && packages.get(toPosix(match[1]))?.dir;
      return dir ? join(dir, match[2]) : path;
    };
    this.host = {
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
      getCurrentDirectory: () => root,
      // The file set is obslint's own (discovery); never let the parser walk `include` globs.
      readDirectory: () => [],
      fileExists: (path) => {
        const at = located(path);
        this.consulted.probes.add(at);
        return ts.sys.fileExists(at);
      },
      readFile: (path) => {
        const at = located(path);
        this.consulted.files.add(at);
        return ts.sys.readFile(at);
      },
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        this.report(diagnostic, undefined);
      },
    };
  }

  read(configPath: string): ProjectConfig {
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, this.host, this.extendedCache);
    if (!parsed) return { aliases: [], outputDirectories: [] };
    for (const diagnostic of ts.getConfigFileParsingDiagnostics(parsed)) this.report(diagnostic, parsed);
    const options = parsed.options;
    const scope = dirname(configPath);
    const aliases: PathAlias[] = [];
    // TypeScript 6 deprecates `baseUrl`; projects still use it, and TypeScript still resolves it (absolute here).
    const baseUrl = (options as Record<string, unknown>).baseUrl;
    // Since TypeScript 4.1 `paths` without `baseUrl` are relative to the config that declares them.
    const pathsBase =
      (typeof baseUrl === 'string' ? baseUrl : undefined) ?? (options.pathsBasePath as string | undefined) ?? scope;
    if (options.paths && typeof options.paths === 'object')
      for (const [pattern, targets] of Object.entries(options.paths)) {
        if (!Array.isArray(targets)) continue;
        aliases.push({ pattern, targets: targets.filter((t) => typeof t === 'string'), baseDir: pathsBase, scope });
      }
    if (typeof baseUrl === 'string') aliases.push({ pattern: '*', targets: ['*'], baseDir: baseUrl, scope });
    const outputDirectories = [options.outDir, options.declarationDir]
      .filter((d): d is string => typeof d === 'string' && d.length > 0)
      .map((d) => (isAbsolute(d) ? d : resolve(scope, d)))
      .filter((d) => d !== scope);
    return { aliases, outputDirectories };
  }

  private report(diagnostic: ts.Diagnostic, parsed: ts.ParsedCommandLine | undefined): void {
    if (diagnostic.code === NO_INPUTS || diagnostic.category !== ts.DiagnosticCategory.Error) return;
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const syntax = diagnostic.code < 2000;
    if (!syntax && !READ_ERRORS.has(diagnostic.code) && !(diagnostic.code === 5024 && RELEVANT_OPTIONS.test(text)))
      return;
    const configFile = parsed?.options.configFile as ts.TsConfigSourceFile | undefined;
    let notice: Notice;
    if (syntax && diagnostic.file) {
      // One syntax error per file: the first, or better the bracket or string left open.
      const key = `syntax ${diagnostic.file.fileName}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      const unclosed = unclosedJson(diagnostic.file.text, true);
      notice = {
        level: 'warning',
        ...this.at(diagnostic.file, unclosed?.offset ?? diagnostic.start ?? 0),
        message: `invalid JSON: ${unclosed?.message ?? lowerFirst(text).replace(/\.$/, '')}; obslint reads what it can of this config (paths, baseUrl, outDir)`,
      };
    } else if (diagnostic.file && diagnostic.start !== undefined) {
      // A config package (`@tsconfig/node20`) is missing whenever dependencies are not installed, which is
      // how obslint usually runs; it is worth a note only where they are installed and it is not among them.
      if (
        diagnostic.code === 6053 &&
        !this.dependenciesInstalled(dirname(resolve(this.root, diagnostic.file.fileName)))
      )
        return;
      notice = {
        level: 'warning',
        ...this.at(diagnostic.file, diagnostic.start),
        message: diagnostic.code === 6053 ? this.notInstalled(text) : text.replace(/\.$/, ''),
      };
      if (diagnostic.code === 6053) notice.level = 'note';
    } else if (diagnostic.code === 18000 && configFile) {
      // `a -> b -> a`: reported once per cycle, at the `extends` that closes it.
      const chain = /:\s*(.*)$/.exec(text)?.[1]?.split(' -> ') ?? [];
      const key = `cycle ${[...new Set(chain)].sort().join('\u0000')}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      const closer = chain.at(-2);
      const where = closer ? this.extendsOf(closer, chain.at(-1)) : undefined;
      notice = {
        level: 'warning',
        ...(where ?? this.extendsLocation(configFile, undefined)),
        message: `circular \`extends\`: ${chain.map((f) => displayPath(this.root, f)).join(' → ')}; obslint uses the settings read before the loop`,
      };
    } else if (diagnostic.code === 5083 && configFile) {
      const missing = /'(.*)'/.exec(text)?.[1] ?? '';
      const culprit = [configFile.fileName, ...(configFile.extendedSourceFiles ?? [])]
        .map((file) => this.extendsOf(file, missing))
        .find((w) => w !== undefined);
      notice = {
        level: 'warning',
        ...(culprit ?? this.extendsLocation(configFile, undefined)),
        message: `\`extends\` names ${displayPath(this.root, missing)}, which does not exist; obslint reads this config without it (its paths, baseUrl and outDir are not used)`,
      };
    } else {
      notice = {
        level: 'warning',
        ...(configFile ? { file: displayPath(this.root, configFile.fileName) } : {}),
        message: text.replace(/\.$/, ''),
      };
    }
    const key = `${notice.file ?? ''}:${notice.line ?? 0}:${notice.column ?? 0}:${notice.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.notices.push(notice);
  }

  private dependenciesInstalled(dir: string): boolean {
    for (let d = dir; ; d = dirname(d)) {
      if (this.consulted.hasPackages(d)) return true;
      if (d === this.root || dirname(d) === d) return false;
    }
  }

  private notInstalled(text: string): string {
    const specifier = /'(.*)'/.exec(text)?.[1] ?? text;
    return `\`extends\` names ${specifier}, which is not installed; obslint reads this config without it (install the dependencies if it defines paths or baseUrl)`;
  }

  private at(file: ts.SourceFile, start: number): Pick<Notice, 'file' | 'line' | 'column'> {
    const pos = file.getLineAndCharacterOfPosition(start);
    return {
      file: displayPath(this.root, resolve(this.root, file.fileName)),
      line: pos.line + 1,
      column: pos.character + 1,
    };
  }

  /** Where `configPath`'s `extends` names `target` (an absolute path, with or without `.json`). */
  private extendsOf(
    configPath: string,
    target: string | undefined,
  ): Pick<Notice, 'file' | 'line' | 'column'> | undefined {
    if (!this.consulted.exists(configPath)) return undefined;
    this.consulted.files.add(configPath);
    const json = ts.readJsonConfigFile(configPath, (p) => ts.sys.readFile(p));
    return this.extendsLocation(json, target);
  }

  private extendsLocation(
    json: ts.TsConfigSourceFile,
    target: string | undefined,
  ): Pick<Notice, 'file' | 'line' | 'column'> | undefined {
    const root = json.statements[0]?.expression;
    if (!root || !ts.isObjectLiteralExpression(root))
      return target ? undefined : { file: displayPath(this.root, json.fileName) };
    const property = root.properties.find(
      (p): p is ts.PropertyAssignment =>
        ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name) && p.name.text === 'extends',
    );
    if (!property) return target ? undefined : { file: displayPath(this.root, json.fileName) };
    const values = ts.isArrayLiteralExpression(property.initializer)
      ? property.initializer.elements
      : [property.initializer];
    const dir = dirname(json.fileName);
    const named = values.find(
      (v) =>
        ts.isStringLiteral(v) &&
        target !== undefined &&
        [resolve(dir, v.text), resolve(dir, `${v.text}.json`)].includes(resolve(target)),
    );
    if (target !== undefined && !named) return undefined;
    return this.at(json, (named ?? property.initializer).getStart(json));
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
