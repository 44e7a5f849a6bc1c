import { openModelAt } from './bench/load.ts';
import { once } from 'node:events';
const { spawn } = await import('node:child_process');
const child = spawn(process.execPath, ['-e', `
const http=require('node:http');
const s=http.createServer((q,r)=>{q.resume();q.on('end',()=>{const b='{"id":"x","decision":"approved","reason":"ok","account_id":"a","amount":{"value":1,"currency":"GBP"},"replayed":false,"ledger_attempts":1}';r.writeHead(200,{'content-type':'application/json','content-length':b.length});r.end(b)})});
s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
const [chunk] = await once(child.stdout!, 'data');
const url = `http://127.0.0.1:${String(chunk).trim()}`;
await openModelAt(url, 1000, 1);
for (const rate of [1000, 5000]) {
const c0 = process.cpuUsage(); const t0 = performance.now();
const r = await openModelAt(url, rate, 5);
const c = process.cpuUsage(c0); const wall = performance.now() - t0;
console.log(rate, 'cpu%', ((c.user + c.system) / 1000 / wall * 100).toFixed(1), 'us/req', ((c.user + c.system) / r.sent).toFixed(1), r.achieved_rate, r.late, r.lateness_ms);
}
child.kill();
