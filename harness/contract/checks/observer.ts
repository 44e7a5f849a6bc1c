// Balances read from the ledger behind a checked card processor, when faultline runs that ledger (the
// processor was started by command inside the embedded topology): the processor's answers do not carry
// balances, so this is how a rule sees that a partial reversal released exactly its amount.
import http from 'node:http';

export interface Balances {
  available: number;
  holds: number;
}

export interface LedgerObserver {
  /** Where it reads (for messages). */
  readonly url: string;
  balances(accountId: string): Promise<Balances | null>;
}

export function ledgerObserver(url: string, timeoutMs = 5000): LedgerObserver {
  return {
    url,
    balances: (accountId) =>
      new Promise((resolve) => {
        const req = http.get(new URL(`/v1/accounts/${encodeURIComponent(accountId)}`, url), { agent: false, timeout: timeoutMs }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.once('end', () => {
            try {
              const view = JSON.parse(text) as { available?: unknown; holds?: unknown };
              const ok = res.statusCode === 200 && typeof view.available === 'number' && typeof view.holds === 'number';
              resolve(ok ? { available: view.available as number, holds: view.holds as number } : null);
            } catch {
              resolve(null);
            }
          });
        });
        req.once('timeout', () => req.destroy());
        req.once('error', () => resolve(null));
      }),
  };
}
