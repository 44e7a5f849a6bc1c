// A proxy's toxics (Toxiproxy's toxic_collection.go): the chain for each direction, added, updated and
// removed through the API, and every live link, which gets each change applied while data flows.
import { ErrInvalidToxicType, ErrToxicAlreadyExists, ErrToxicNotFound } from './api-error.ts';
import { Link, type LinkOptions } from './link.ts';
import { readNumber, readObject } from './json-fields.ts';
import { readAttributes, readToxicCreate } from './toxic-json.ts';
import { findToxic } from './toxics/catalog.ts';
import { defaultAttributes, type Direction, type ToxicEntry } from './toxics/toxic.ts';

export class ToxicCollection {
  private readonly chain: Record<Direction, ToxicEntry[]> = { upstream: [], downstream: [] };
  private readonly links = new Set<Link>();

  /** Every toxic, upstream ones first, each direction in the order added. */
  list(): ToxicEntry[] {
    return [...this.chain.upstream, ...this.chain.downstream];
  }

  get(name: string): ToxicEntry | undefined {
    return this.list().find((t) => t.name === name);
  }

  async add(body: unknown): Promise<ToxicEntry> {
    const fields = readToxicCreate(body);
    const definition = findToxic(fields.type);
    if (!definition) throw ErrInvalidToxicType;
    if (this.get(fields.name)) throw ErrToxicAlreadyExists;
    const attributes = readAttributes(definition, fields.attributes, defaultAttributes(definition));
    const entry: ToxicEntry = { name: fields.name, type: fields.type, stream: fields.stream, toxicity: fields.toxicity, attributes, definition };
    this.chain[entry.stream].push(entry);
    await this.eachLink(entry.stream, (link) => link.addToxic(entry));
    return entry;
  }

  /** Updates attributes and toxicity (other fields are ignored, as the real server does). */
  async update(name: string, body: unknown): Promise<ToxicEntry> {
    const current = this.get(name);
    if (!current) throw ErrToxicNotFound;
    const fields = readObject(body, 'a toxic');
    const attributes = readAttributes(current.definition, fields.attributes, current.attributes);
    const toxicity = readNumber(fields, 'toxicity', current.toxicity);
    const entry: ToxicEntry = { ...current, attributes, toxicity };
    const list = this.chain[entry.stream];
    list[list.indexOf(current)] = entry;
    await this.eachLink(entry.stream, (link) => link.updateToxic(entry));
    return entry;
  }

  async remove(name: string): Promise<void> {
    const entry = this.get(name);
    if (!entry) throw ErrToxicNotFound;
    const list = this.chain[entry.stream];
    list.splice(list.indexOf(entry), 1);
    await this.eachLink(entry.stream, (link) => link.removeToxic(name));
  }

  /** Removes every toxic. */
  async reset(): Promise<void> {
    for (const entry of this.list()) await this.remove(entry.name);
  }

  /** A link for a new connection, starting with the current chain of its direction. */
  startLink(options: Omit<LinkOptions, 'chain'>): Link {
    const link = new Link({ ...options, chain: [...this.chain[options.direction]] });
    this.links.add(link);
    return link;
  }

  removeLink(link: Link): void {
    this.links.delete(link);
  }

  private async eachLink(direction: Direction, change: (link: Link) => Promise<void>): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const link of this.links) if (link.direction === direction) pending.push(change(link));
    await Promise.all(pending);
  }
}
