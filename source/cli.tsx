/**
 * The entry point of the `mscommerce` binary: V8's settings first (source/runtime.ts: they apply
 * to what loads after), then the program (source/program.tsx), run on the process's arguments.
 */
import './runtime.js';
import {main} from './program.js';

await main(process.argv);
