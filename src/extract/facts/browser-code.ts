import { ts } from 'ts-morph';
import { calleeName } from '../syntax/project-index.js';
import { enclosingFunction, hasModifier, lookup, skipOuter } from '../syntax/scope.js';
import { forEachDescendant } from '../syntax/walk.js';
import { table } from '../../util/table.js';
import { runsServer, type PackageScope } from './workspace-packages.js';

const HOOK_NAME = /^use[A-Z0-9]/;

/**
 * Whether an outbound call runs in the user's browser, where a server's tracing does not reach:
 * a request to a path of the page's own origin (`fetch('/api/…')`, which Node cannot resolve), a
 * call inside a React hook or a callback handed to one, or inside a component that calls hooks
 * (its event handlers), a module that imports hooks (`import { useState } from 'react'`: a client
 * component's module, whose helpers its components call) outside a page's server-side data
 * functions, a component file (JSX) of a package that runs no server, a file that
 * reads `window`, `document` or the page's storage (`localStorage`), one written for the DOM (`/// <reference lib="dom" />`), or one
 * that renders a page into it (`render` from `preact`, `createRoot` from `react-dom/client`), a
 * service worker's code, or any file of a React component library.
 */
export function runsInBrowser(call: ts.CallExpression | ts.NewExpression, scope: PackageScope): boolean {
  const file = call.getSourceFile();
  return (
    sameOriginPath(call) ||
    insideReactHook(call) ||
    insideComponentWithHooks(call) ||
    (importsHooks(file) && !serverSideOfPage(call)) ||
    (hasJsx(file) && (!runsServer(scope.manifest) || (rendersPages(scope) && !serverSideOfPage(call)))) ||
    usesBrowserGlobals(file) ||
    definesReduxSlice(file) ||
    writtenForTheDom(file) ||
    rendersIntoThePage(file) ||
    serviceWorkerCode(file) ||
    reactComponentLibrary(scope)
  );
}

/**
 * A package of React components (`react-dom` a peer dependency: the app that renders them brings
 * it) that runs no server: its API clients run in the app's pages, in the browser.
 */
function reactComponentLibrary(scope: PackageScope): boolean {
  return scope.manifest?.peers?.includes('react-dom') === true && !runsServer(scope.manifest);
}

/**
 * A Redux Toolkit slice or thunk (`createSlice`, `createAsyncThunk` from `@reduxjs/toolkit`): the state
 * of a browser app's UI, even where one manifest holds the app and its server (an Nx monorepo).
 */
function definesReduxSlice(file: ts.SourceFile): boolean {
  return file.statements.some(
    (s) =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.moduleSpecifier.text === '@reduxjs/toolkit' &&
      s.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(s.importClause.namedBindings) &&
      s.importClause.namedBindings.elements.some((e) => REDUX_UI_STATE.has((e.propertyName ?? e.name).text)),
  );
}

const REDUX_UI_STATE = new Set(['createSlice', 'createAsyncThunk']);

/** A service worker's directory or file (`service-worker/`, `sw.js`). */
const SERVICE_WORKER_PATH = /(?:^|\/)(?:service-?workers?|sw)(?:\/|\.[cm]?[jt]sx?$)/i;
/** What only a service worker's global scope offers. */
const SERVICE_WORKER_GLOBALS = /\bself\.(?:skipWaiting|registration|clients)\b|\bServiceWorkerGlobalScope\b/;

/** Code of a service worker: it runs in the browser, beside the page, never on the server. */
function serviceWorkerCode(file: ts.SourceFile): boolean {
  // The last segments only: where the project itself sits says nothing.
  const near = file.fileName.split('/').slice(-4).join('/');
  return SERVICE_WORKER_PATH.test(near) || SERVICE_WORKER_GLOBALS.test(file.text);
}

/** `/// <reference lib="dom" />`: the file declares that it runs where the DOM is. */
function writtenForTheDom(file: ts.SourceFile): boolean {
  return file.libReferenceDirectives.some((ref) => ref.fileName.toLowerCase() === 'dom');
}

/** The functions that mount components into the page, by the module that exports them. */
const PAGE_RENDERERS = table<readonly string[]>({
  preact: ['render', 'hydrate'],
  'react-dom': ['render', 'hydrate', 'createRoot', 'hydrateRoot'],
  'react-dom/client': ['createRoot', 'hydrateRoot'],
  'solid-js/web': ['render', 'hydrate'],
});

/** A module that imports what mounts components into the page: the page's own entry. */
function rendersIntoThePage(file: ts.SourceFile): boolean {
  return file.statements.some(
    (s) =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      s.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(s.importClause.namedBindings) &&
      s.importClause.namedBindings.elements.some((e) =>
        (PAGE_RENDERERS[(s.moduleSpecifier as ts.StringLiteral).text] ?? []).includes((e.propertyName ?? e.name).text),
      ),
  );
}

/**
 * Inside a function component that calls hooks (`const [error, setError] = useState(null)`): its
 * event handlers and effects run in the page. Hooks are not allowed in server components.
 */
function insideComponentWithHooks(node: ts.Node): boolean {
  if (!importsUiLibrary(node.getSourceFile())) return false;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const body = 'body' in fn ? fn.body : undefined;
    if (body && ts.isBlock(body) && body.statements.some(callsHook)) return true;
  }
  return false;
}

/** Component libraries: in a file importing none, `useContainer(…)` and the like are no hooks. */
const UI_LIBRARIES = ['react', 'preact', 'htm/preact', 'solid-js', 'vue'];

/** The imports of a UI library (`react`, `preact/hooks`) in a file. */
function uiImports(file: ts.SourceFile): ts.ImportDeclaration[] {
  return file.statements.filter(
    (s): s is ts.ImportDeclaration =>
      ts.isImportDeclaration(s) &&
      ts.isStringLiteral(s.moduleSpecifier) &&
      UI_LIBRARIES.some((ui) => {
        const module = (s.moduleSpecifier as ts.StringLiteral).text;
        return module === ui || module.startsWith(`${ui}/`);
      }),
  );
}

function importsUiLibrary(file: ts.SourceFile): boolean {
  return uiImports(file).length > 0;
}

/** `import { useCallback, useState } from 'react'`: hooks, which only components run. */
function importsHooks(file: ts.SourceFile): boolean {
  return uiImports(file).some(
    (s) =>
      s.importClause?.namedBindings !== undefined &&
      ts.isNamedImports(s.importClause.namedBindings) &&
      s.importClause.namedBindings.elements.some((e) => HOOK_NAME.test((e.propertyName ?? e.name).text)),
  );
}

/** A statement of a component's body that calls a hook: `useEffect(…)`, `const [a, setA] = useState()`. */
function callsHook(statement: ts.Statement): boolean {
  if (ts.isExpressionStatement(statement)) return isHookCall(skipOuter(statement.expression));
  return (
    ts.isVariableStatement(statement) &&
    statement.declarationList.declarations.some(
      (d) => d.initializer !== undefined && isHookCall(skipOuter(d.initializer)),
    )
  );
}

/** A call of a hook: `useState(…)`, `React.useEffect(…)`, `useQuery(…)`. */
function isHookCall(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const name = calleeName(skipOuter(node.expression));
  return name !== undefined && HOOK_NAME.test(name);
}

/** Full-stack frameworks whose component files render on the server once, then run in the page. */
const PAGE_FRAMEWORKS = ['next', '@remix-run/react', '@react-router/dev', 'nuxt', 'astro'];

function rendersPages(scope: PackageScope): boolean {
  return PAGE_FRAMEWORKS.some((d) => scope.manifest?.dependencies[d] !== undefined);
}

/** Data functions of a page module: they run on the server (Next.js pages, Remix and React Router routes). */
const SERVER_DATA_FUNCTIONS = new Set([
  'getServerSideProps',
  'getStaticProps',
  'getStaticPaths',
  'generateMetadata',
  'generateStaticParams',
  'loader',
  'action',
]);

/**
 * In a component file of a full-stack framework, what still runs on the server: a `'use server'`
 * module, the page's data functions, and the body of an async component (a React Server Component
 * awaiting its data). Event handlers, effects and the helpers they call run in the page.
 */
function serverSideOfPage(call: ts.CallExpression | ts.NewExpression): boolean {
  const file = call.getSourceFile();
  if (hasDirective(file, 'use server')) return true;
  if (hasDirective(file, 'use client')) return false;
  const fn = enclosingFunction(call);
  for (let n: ts.Node | undefined = fn; n; n = n.parent) {
    const name = ts.isFunctionDeclaration(n)
      ? n.name?.text
      : ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)
        ? n.name.text
        : undefined;
    if (name && SERVER_DATA_FUNCTIONS.has(name)) return true;
  }
  // `export default async function Page() { const res = await fetch(…) }`: a server component.
  return (
    fn !== undefined &&
    (ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
    hasModifier(fn, ts.SyntaxKind.AsyncKeyword) &&
    isExported(fn)
  );
}

function isExported(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression): boolean {
  if (ts.isFunctionDeclaration(fn)) return hasModifier(fn, ts.SyntaxKind.ExportKeyword);
  const holder = fn.parent;
  if (ts.isExportAssignment(holder)) return true;
  const statement = ts.isVariableDeclaration(holder) ? holder.parent.parent : undefined;
  return (
    statement !== undefined && ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)
  );
}

/** A module directive among the file's leading string statements: `'use client'`, `'use server'`. */
export function hasDirective(file: ts.SourceFile, directive: string): boolean {
  for (const statement of file.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === directive) return true;
  }
  return false;
}

const browserGlobalFiles = new WeakMap<ts.SourceFile, boolean>();

/**
 * A file that reads the page's globals (`document.querySelector`, `window.location`) runs in a
 * browser; one that tests for them (`typeof window !== 'undefined'`) may run on either side.
 */
/**
 * The page's globals (`window`, `document`) and its storage (`localStorage.setItem(…)`, a widget's
 * session), each with the checks that it exists (`typeof window`) that let a module run on the server.
 */
const BROWSER_GLOBALS = [
  { name: 'window', read: /\bwindow\s*\./, guard: /typeof\s+(?:window|document)\b/ },
  { name: 'document', read: /\bdocument\s*\./, guard: /typeof\s+(?:window|document)\b/ },
  { name: 'localStorage', read: /\blocalStorage\s*\./, guard: /typeof\s+localStorage\b/ },
  { name: 'sessionStorage', read: /\bsessionStorage\s*\./, guard: /typeof\s+sessionStorage\b/ },
];

function usesBrowserGlobals(file: ts.SourceFile): boolean {
  let found = browserGlobalFiles.get(file);
  if (found !== undefined) return found;
  found = false;
  // A module that checks for one (`typeof window !== 'undefined'`) may run on the server too: only
  // the globals it reads without such a check count.
  const unguarded = BROWSER_GLOBALS.filter(({ read, guard }) => read.test(file.text) && !guard.test(file.text));
  if (unguarded.length > 0) {
    const names = new Set(unguarded.map(({ name }) => name));
    forEachDescendant(file, (n) => {
      if (found) return false;
      if (
        ts.isPropertyAccessExpression(n) &&
        ts.isIdentifier(n.expression) &&
        names.has(n.expression.text) &&
        isTheGlobal(n.expression)
      )
        found = true;
    });
  }
  browserGlobalFiles.set(file, found);
  return found;
}

/**
 * `window` (or `document`) the global, taken from it, or the parameter of a function called at once with it (`(window => { … })(window)`,
 * a browser script's wrapper).
 */
function isTheGlobal(id: ts.Identifier): boolean {
  const decl = lookup(id.text, id);
  if (decl === undefined) return true;
  // `const { document } = window`.
  const from = decl.kind === 'variable' && decl.node.initializer && skipOuter(decl.node.initializer);
  if (from) return ts.isIdentifier(from) && from.text === 'window' && isTheGlobal(from);
  if (decl.kind !== 'parameter' || decl.path.length > 0) return false;
  let fn: ts.Node = decl.fn;
  while (ts.isParenthesizedExpression(fn.parent)) fn = fn.parent;
  const call = fn.parent;
  const passed = ts.isCallExpression(call) && call.expression === fn ? call.arguments[decl.index] : undefined;
  return (
    passed !== undefined && ts.isIdentifier(passed) && passed.text === id.text && lookup(id.text, passed) === undefined
  );
}

/** A React hook's module by its name (`hooks/useApi.ts`), for files obslint did not parse. */
const HOOK_MODULE = /(?:^|\/)use[A-Z][A-Za-z0-9]*\.[cm]?[jt]sx?$/;

/**
 * A module only browser code imports (`lib/fetch.ts`, imported by the app's `useApi` and
 * `useLocale` hooks): it runs where they do. Each importer is a client component's or a hook's
 * module, one that reads `window`, or, unparsed, a hook's module by its name.
 */
export function importedOnlyByBrowserCode(
  file: ts.SourceFile,
  importersOf: (fileName: string) => readonly string[],
  parsed: (fileName: string) => ts.SourceFile | undefined,
): boolean {
  const importers = importersOf(file.fileName);
  return (
    importers.length > 0 &&
    importers.every((name) => {
      const importer = parsed(name);
      return importer
        ? hasDirective(importer, 'use client') || importsHooks(importer) || usesBrowserGlobals(importer)
        : HOOK_MODULE.test(name);
    })
  );
}

function sameOriginPath(call: ts.CallExpression | ts.NewExpression): boolean {
  const callee = skipOuter(call.expression);
  if (!ts.isIdentifier(callee) || callee.text !== 'fetch') return false;
  const url = call.arguments?.[0] && skipOuter(call.arguments[0]);
  const text =
    url && (ts.isStringLiteralLike(url) ? url.text : ts.isTemplateExpression(url) ? url.head.text : undefined);
  return text !== undefined && text.startsWith('/') && !text.startsWith('//');
}

function insideReactHook(node: ts.Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) && n.name && HOOK_NAME.test(n.name.text)) return true;
    if (
      (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) &&
      ts.isVariableDeclaration(n.parent) &&
      ts.isIdentifier(n.parent.name) &&
      HOOK_NAME.test(n.parent.name.text)
    )
      return true;
    if (n !== node && isHookCall(n)) return true;
  }
  return false;
}

const jsxFiles = new WeakMap<ts.SourceFile, boolean>();

function hasJsx(file: ts.SourceFile): boolean {
  if (!/\.[jt]sx$/.test(file.fileName)) return false;
  let found = jsxFiles.get(file);
  if (found === undefined) {
    found = false;
    forEachDescendant(file, (n) => {
      if (ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n)) found = true;
    });
    jsxFiles.set(file, found);
  }
  return found;
}
