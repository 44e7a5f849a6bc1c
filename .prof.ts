import { openModelAt } from './bench/load.ts';
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';
import http from 'node:http';
// server in a separate process for profiling clarity
const { spawn } = await import('node:child_process');
const child = spawn(process.execPath, ['-e', `
const http=require('node:http');
const s=http.createServer((q,r)=>{q.resume();q.on('end',()=>{const b='{"id":"x","decision":"approved","reason":"ok","account_id":"a","amount":{"value":1,"currency":"GBP"},"replayed":false,"ledger_attempts":1}';r.writeHead(200,{'content-type':'application/json','content-length':b.length});r.end(b)})});
s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
const [chunk] = await once(child.stdout!, 'data');
const url = `http://127.0.0.1:${String(chunk).trim()}`;
await openModelAt(url, 1000, 1);
const r = await openModelAt(url, 5000, 5);
console.log(JSON.stringify(r));
child.kill();
