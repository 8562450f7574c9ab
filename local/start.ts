import { describeEndpoints, ensureServices } from './services/index.js';

// Until the local runner exists (issue 6), `npm start` brings up the local services and says where they are.
await ensureServices((line) => { console.log(line); });
console.log(describeEndpoints());
console.log('\nThe services keep running; stop them with `npm run services:stop`.');
