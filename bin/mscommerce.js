#!/usr/bin/env node
// Launcher: the whole program is bundled into dist/cli.js (npm run build).
import '../dist/cli.js';
