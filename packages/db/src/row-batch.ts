import { randomUUID } from 'node:crypto';
import {
  createQueryId,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type RootOperationNode,
} from 'kysely';

/** Most rows one statement carries unless the options say otherwise. */
export const DEFAULT_ROWS_PER_STATEMENT = 64;

/** Parameters per statement both engines accept (SQLite's limit; PostgreSQL's is 65 535). */
const MAX_PARAMETERS = 32_766;

export interface RowBatchOptions<DB, Row, O> {
  /** The row fields the statement reads. Every row gives each one (`null`, never `undefined`). */
  readonly columns: readonly (keyof Row & string)[];
  /**
   * Builds the statement for `rows`. It is called with placeholder rows, once per row count
   * and engine, so it must hand the rows to the statement (`.values(rows)`) without reading
   * them, and take nothing else that varies from call to call.
   */
  readonly build: (db: Kysely<DB>, rows: Row[]) => Compilable<O>;
  /** Most rows per statement (default 64). */
  readonly maxRows?: number;
}

interface Template {
  readonly sql: string;
  readonly query: RootOperationNode;
  /** Per parameter: the row (within the chunk) it comes from, or -1 for a constant. */
  readonly rowOf: readonly number[];
  /** Per parameter: the column it comes from, or the constant itself. */
  readonly valueOf: readonly unknown[];
  /** The parameters are exactly row after row, each in `columns` order (a plain VALUES list). */
  readonly rowMajor: boolean;
}

/**
 * Splits `count` rows into statement sizes: as many full statements of `maxRows` as fit, then
 * the rest as a sum of powers of two. Every count is thus made of at most log2(maxRows) + 2
 * shapes, each compiled (and, on SQLite, prepared) once.
 */
export function rowChunkSizes(count: number, maxRows: number): number[] {
  const sizes: number[] = [];
  let left = count;
  while (left >= maxRows) {
    sizes.push(maxRows);
    left -= maxRows;
  }
  for (let size = 2 ** Math.floor(Math.log2(maxRows)); left > 0; size /= 2) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  return sizes;
}

/**
 * A statement over many rows (a multi-row INSERT, an upsert) run in chunks of a few fixed
 * sizes, each compiled once.
 *
 * Kysely parses and compiles a query anew at every call (for the 500-row inserts of the
 * telemetry path, about as long as SQLite then took to prepare them), and each different row
 * count is a different SQL text that SQLite must prepare again. Here each chunk size is compiled once per engine with placeholder
 * values, the placeholders' positions among the parameters are noted, and later calls reuse the
 * SQL with the real values put in those positions. The SQL texts therefore repeat exactly, which
 * is what lets the SQLite statement cache keep them (statement-cache.ts).
 *
 * A Kysely instance with plugins gets its statements compiled at every call instead (a plugin
 * may change the SQL per query), which is correct but without the saving.
 */
export class RowBatchStatement<DB, Row extends object, O = unknown> {
  readonly #columns: readonly (keyof Row & string)[];
  readonly #build: (db: Kysely<DB>, rows: Row[]) => Compilable<O>;
  readonly #maxRows: number;
  /** A marker no real value starts with, so placeholders are told apart from constants. */
  readonly #marker = `\u0000row-batch:${randomUUID()}:`;
  /** Templates by the engine's adapter (shared by a Kysely instance and its transactions). */
  readonly #templates = new WeakMap<object, Map<number, Template>>();

  constructor(options: RowBatchOptions<DB, Row, O>) {
    const { columns, build, maxRows = DEFAULT_ROWS_PER_STATEMENT } = options;
    if (columns.length === 0) throw new RangeError('a row batch statement needs columns');
    if (new Set(columns).size !== columns.length) {
      throw new RangeError(`row batch columns repeat: ${columns.join(', ')}`);
    }
    if (!Number.isInteger(maxRows) || maxRows < 1) {
      throw new RangeError(`maxRows must be an integer >= 1, got ${maxRows}`);
    }
    if (maxRows * columns.length > MAX_PARAMETERS) {
      throw new RangeError(
        `maxRows ${maxRows} x ${columns.length} columns exceeds ${MAX_PARAMETERS} parameters`,
      );
    }
    this.#columns = columns;
    this.#build = build;
    this.#maxRows = maxRows;
  }

  /**
   * Runs the statement over `rows`, in order, in the caller's connection or transaction (use
   * a transaction when the chunks must succeed or fail together). Returns what the statements
   * return (RETURNING), chunk after chunk.
   */
  async execute(db: Kysely<DB>, rows: readonly Row[]): Promise<O[]> {
    const sizes = rowChunkSizes(rows.length, this.#maxRows);
    if (sizes.length === 0) return [];
    const executor = db.getExecutor();
    if (executor.plugins.length > 0) {
      // Through the executor, so that every plugin sees every query and its result.
      const out: O[] = [];
      let offset = 0;
      for (const size of sizes) {
        const compiled = this.#compiledQuery(this.#compile(db, size), rows, offset);
        for (const row of (await db.executeQuery<O>(compiled)).rows) out.push(row);
        offset += size;
      }
      return out;
    }
    // Without plugins the executor adds nothing but its own steps per query: take the
    // connection (the transaction's, inside one) once for all chunks.
    return executor.provideConnection(async (connection) => {
      const out: O[] = [];
      let offset = 0;
      for (const size of sizes) {
        const compiled = this.#compiledQuery(
          this.#template(executor.adapter, db, size),
          rows,
          offset,
        );
        const result = await connection.executeQuery<O>(compiled);
        for (const row of result.rows) out.push(row);
        offset += size;
      }
      return out;
    });
  }

  #compiledQuery(template: Template, rows: readonly Row[], offset: number): CompiledQuery<O> {
    return {
      query: template.query,
      queryId: createQueryId(),
      sql: template.sql,
      parameters: template.rowMajor
        ? this.#rowMajorParameters(template.rowOf.length, rows, offset)
        : this.#parameters(template, rows, offset),
    };
  }

  #rowMajorParameters(count: number, rows: readonly Row[], offset: number): unknown[] {
    const columns = this.#columns;
    const parameters = new Array<unknown>(count);
    let i = 0;
    for (let r = offset; i < count; r++) {
      const row = rows[r]!;
      for (const column of columns) {
        const value = row[column];
        if (value === undefined) throw missing(r, column);
        parameters[i++] = value;
      }
    }
    return parameters;
  }

  #parameters(template: Template, rows: readonly Row[], offset: number): unknown[] {
    const { rowOf, valueOf } = template;
    const parameters = new Array<unknown>(rowOf.length);
    for (let i = 0; i < rowOf.length; i++) {
      const r = rowOf[i]!;
      if (r < 0) {
        parameters[i] = valueOf[i];
        continue;
      }
      const column = valueOf[i] as keyof Row & string;
      const value = rows[offset + r]![column];
      if (value === undefined) throw missing(offset + r, column);
      parameters[i] = value;
    }
    return parameters;
  }

  #template(adapter: object, db: Kysely<DB>, size: number): Template {
    let bySize = this.#templates.get(adapter);
    if (!bySize) {
      bySize = new Map();
      this.#templates.set(adapter, bySize);
    }
    let template = bySize.get(size);
    if (!template) {
      template = this.#compile(db, size);
      bySize.set(size, template);
    }
    return template;
  }

  #compile(db: Kysely<DB>, size: number): Template {
    const columns = this.#columns;
    const placeholders = Array.from(
      { length: size },
      (_, r) => Object.fromEntries(columns.map((c, i) => [c, `${this.#marker}${r}:${i}`])) as Row,
    );
    const compiled = this.#build(db, placeholders).compile();
    const rowOf: number[] = [];
    const valueOf: unknown[] = [];
    const seen = new Set<string>();
    for (const p of compiled.parameters) {
      if (typeof p === 'string' && p.startsWith(this.#marker)) {
        const [r, c] = p.slice(this.#marker.length).split(':').map(Number) as [number, number];
        rowOf.push(r);
        valueOf.push(columns[c]);
        seen.add(`${r}:${c}`);
      } else {
        rowOf.push(-1);
        valueOf.push(p);
      }
    }
    // A column the statement never reads would be silently dropped: refuse instead.
    if (seen.size !== size * columns.length) {
      const unused = columns.filter((_, c) => !seen.has(`0:${c}`));
      throw new Error(
        `the statement built for ${size} rows does not use every column of every row` +
          (unused.length ? ` (unused: ${unused.join(', ')})` : ''),
      );
    }
    const width = columns.length;
    const rowMajor =
      rowOf.length === size * width &&
      rowOf.every((r, i) => r === Math.floor(i / width) && valueOf[i] === columns[i % width]);
    return { sql: compiled.sql, query: compiled.query, rowOf, valueOf, rowMajor };
  }
}

function missing(row: number, column: string): TypeError {
  return new TypeError(`row ${row} has no value for column "${column}" (give null for none)`);
}
