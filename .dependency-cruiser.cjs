// Layer contracts of obslint's own code (ARCHITECTURE.md explains them). `npm run lint` fails on
// any violation.
const PURE = '^(src/(extract|estimate|engine|model)|rules)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: split the shared part out instead.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-layers-do-no-io',
      severity: 'error',
      comment:
        'Extraction, estimation, the engine, the model and rules are pure: files, processes and output belong to config/, discovery/ and the front ends. (console and process.exit are checked by ESLint.)',
      from: { path: PURE },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|child_process|worker_threads|readline|net|http|https)$',
      },
    },
    {
      name: 'rules-use-the-rule-api',
      severity: 'error',
      comment:
        'A rule reads catalog facts through the engine rule API (src/engine/rule-api.ts), the types and the estimates; never extraction internals.',
      from: { path: '^rules/[^/]+/' },
      to: { path: '^src/', pathNot: '^src/(engine/rule-api\\.ts|types\\.ts|estimate/)' },
    },
    {
      name: 'rules-are-independent',
      severity: 'error',
      comment: 'A rule is one folder: what two rules share belongs in src/model/ behind the rule API.',
      from: { path: '^rules/([^/]+)/' },
      to: { path: '^rules/', pathNot: '^rules/$1/' },
    },
    {
      name: 'reporters-only-format',
      severity: 'error',
      comment: 'Reporters turn a RunResult into text: they import only the types and util.',
      from: { path: '^src/reporters/' },
      to: { path: '^src/', pathNot: '^src/(reporters/|util/|types\\.ts$)' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is a front end: the core never depends on it (bin/ loads the built CLI).',
      from: { pathNot: '^(src/cli|test)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'nothing-imports-the-action',
      severity: 'error',
      comment:
        'The GitHub Action is a front end like the CLI: the core never depends on it (action.yml runs its bundle).',
      from: { pathNot: '^(src/action|test)/' },
      to: { path: '^src/action/' },
    },
    {
      name: 'eslint-plugin-without-cli-dependencies',
      severity: 'error',
      comment:
        "The ESLint plugin runs inside the user's ESLint: it never loads the CLI's commander or chalk, directly or through the core.",
      from: { path: '^src/eslint-plugin/' },
      to: { path: ['node_modules/(commander|chalk)/', '^src/(cli|reporters)/'], reachable: true },
    },
    {
      name: 'model-is-a-leaf',
      severity: 'error',
      comment: 'src/model/ holds pure helpers over the catalog types; it depends on nothing but them and util.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/(model/|util/|types\\.ts$)' },
    },
    {
      name: 'after-extraction-no-ast',
      severity: 'error',
      comment: 'Estimation, the engine, rules and reporters read the catalog, never the extraction that built it.',
      from: { path: '^(src/(estimate|engine|reporters|model)|rules)/' },
      to: { path: '^src/extract/' },
    },
    {
      name: 'extract-syntax-is-the-bottom',
      severity: 'error',
      comment: 'extract/syntax/ (parsing, the project index, scopes) knows nothing of value flow, libraries or facts.',
      from: { path: '^src/extract/syntax/' },
      to: { path: '^src/extract/(flow|libraries|facts)/' },
    },
    {
      name: 'extract-flow-below-facts',
      severity: 'error',
      comment: 'Value flow answers "where does this come from" for every fact extractor; it does not know the facts.',
      from: { path: '^src/extract/(flow|libraries)/' },
      to: { path: '^src/extract/facts/' },
    },
    {
      name: 'no-dev-dependencies-at-run-time',
      severity: 'error',
      comment:
        "What src/ and rules/ import ships: it must be a dependency, not a devDependency (or an optional peer the user installs: the ESLint plugin's eslint and parser).",
      from: { path: '^(src|rules)/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm-peer'] },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|fixtures|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
