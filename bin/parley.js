#!/usr/bin/env -S node --max-semi-space-size=32
// The `parley` command: runs the TypeScript CLI through tsx's loader. The Node flags on the first
// line are the server's (a larger young generation: less garbage-collection time per message, see
// docs/operations.md); keep them the same as the `start` script in package.json.
import { register } from 'tsx/esm/api';
register();
await import('../server/src/cli.ts');
