import { afterAll } from 'vitest';
import { provideCompilerStage } from '../src/api.js';
import * as compilerStage from '../src/extraction-stage.js';
import { removeTempDirs } from './helpers/cli.js';

// From sources, the stage cannot be required as the built CLI does (`dist/`): hand it over.
provideCompilerStage(compilerStage);

afterAll(removeTempDirs);
