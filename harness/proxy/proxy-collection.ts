// Every proxy by name (Toxiproxy's proxy_collection.go): create, replace by populate, delete, reset.
import { ApiError, ErrMissingField, ErrProxyAlreadyExists, ErrProxyNotFound, ErrBadRequestBody } from './api-error.ts';
import { Proxy } from './proxy.ts';
import { readBoolean, readObject, readString } from './json-fields.ts';

interface ProxyFields {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

function readProxyFields(raw: unknown, where = ''): ProxyFields {
  const body = readObject(raw, 'a proxy');
  const fields = {
    name: readString(body, 'name', ''),
    listen: readString(body, 'listen', ''),
    upstream: readString(body, 'upstream', ''),
    enabled: readBoolean(body, 'enabled', true),
  };
  if (fields.name === '') throw ErrMissingField.withDetail(`name${where}`);
  if (fields.upstream === '') throw ErrMissingField.withDetail(`upstream${where}`);
  return fields;
}

/** A populate that failed part-way: the real server still lists the proxies it had created. */
export class PopulateError extends ApiError {
  constructor(
    message: string,
    status: number,
    readonly proxies: Proxy[],
  ) {
    super(message, status);
  }
}

export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly seed: number) {}

  list(): Proxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound;
    return proxy;
  }

  async create(body: unknown): Promise<Proxy> {
    const fields = readProxyFields(body);
    Proxy.validate(fields.listen, fields.upstream);
    if (this.proxies.has(fields.name)) throw ErrProxyAlreadyExists;
    const proxy = this.build(fields);
    if (fields.enabled) await proxy.start();
    this.proxies.set(proxy.name, proxy);
    return proxy;
  }

  /** Fields not given keep their current values. */
  async update(name: string, body: unknown): Promise<Proxy> {
    const proxy = this.get(name);
    const fields = readObject(body, 'a proxy');
    await proxy.update({
      listen: readString(fields, 'listen', proxy.listen),
      upstream: readString(fields, 'upstream', proxy.upstream),
      enabled: readBoolean(fields, 'enabled', proxy.enabled),
    });
    return proxy;
  }

  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    await proxy.stop();
    this.proxies.delete(name);
  }

  /**
   * Creates or replaces many proxies: all are checked first; a proxy of the same name with the same
   * listen and upstream addresses is kept as it is (toxics and all), a different one is replaced.
   */
  async populate(body: unknown): Promise<Proxy[]> {
    if (!Array.isArray(body)) throw ErrBadRequestBody.withDetail('expected a JSON array of proxies');
    const items = body.map((raw, i) => readProxyFields(raw, ` at proxy ${i + 1}`));
    const names = new Set<string>();
    for (const item of items) {
      if (names.has(item.name)) throw new ApiError(`duplicate proxy name ${JSON.stringify(item.name)}`, 400);
      names.add(item.name);
      if (item.enabled) Proxy.validate(item.listen, item.upstream);
    }
    const result: Proxy[] = [];
    for (const item of items) {
      const existing = this.proxies.get(item.name);
      if (existing && existing.listen === item.listen && existing.upstream === item.upstream) {
        result.push(existing);
        continue;
      }
      if (existing) {
        await existing.stop();
        this.proxies.delete(item.name);
      }
      const proxy = this.build(item);
      try {
        if (item.enabled) await proxy.start();
      } catch (err) {
        const cause = err instanceof ApiError ? err : new ApiError(String(err), 500);
        throw new PopulateError(cause.message, cause.status, result);
      }
      this.proxies.set(proxy.name, proxy);
      result.push(proxy);
    }
    return result;
  }

  /** Enables every proxy and removes every toxic. */
  async reset(): Promise<void> {
    for (const proxy of this.proxies.values()) {
      await proxy.start();
      await proxy.toxics.reset();
    }
  }

  /** Stops and forgets every proxy. */
  async clear(): Promise<void> {
    for (const proxy of this.proxies.values()) await proxy.stop();
    this.proxies.clear();
  }

  private build(fields: ProxyFields): Proxy {
    return new Proxy({ name: fields.name, listen: fields.listen, upstream: fields.upstream, seed: this.seed });
  }
}
