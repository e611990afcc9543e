import { discPrice, RED_BOOK, type RetailState } from '@jukebox/protocol';
import { useRef, useState } from 'react';
import { useSlice } from '../app/stores-context.js';
import { capacityText, discSectors } from '../disc-math.js';
import { formatDuration } from '../format.js';
import { useDragReorder, type DragView } from '../hooks/use-drag-reorder.js';
import { moneyText } from '../money-text.js';
import { DEFAULT_DISC_TITLE, type DiscEntry } from '../stores/index.js';
import { TextEntry } from './TextEntry.js';

/** Symbols a disc title may want beyond letters and digits. */
const TITLE_KEYS = ['-', "'", '&', '!', '?', '.', ',', '(', ')'];

/** The capacity meter: music on the disc against the room on the loaded media. */
function CapacityMeter({ entries, retail }: { entries: DiscEntry[]; retail: RetailState }) {
  const used = discSectors(entries.map((e) => e.track.durationMs));
  const room = retail.capacitySectors - RED_BOOK.pregapSectors;
  const music = used - RED_BOOK.pregapSectors;
  const text = capacityText(used, retail.capacitySectors);
  const pct = room > 0 ? Math.min(100, (music / room) * 100) : 100;
  return (
    <div className="disc-capacity">
      <div
        className="disc-meter"
        role="meter"
        aria-label="Time on disc"
        aria-valuemin={0}
        aria-valuemax={Math.floor(room / RED_BOOK.sectorsPerSecond)}
        aria-valuenow={Math.ceil(music / RED_BOOK.sectorsPerSecond)}
        aria-valuetext={text}
        data-testid="disc-capacity"
      >
        <div
          className={`disc-meter-fill${pct >= 95 ? ' nearly-full' : ''}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <p className="disc-figures">
        <span data-testid="disc-time">{text}</span>
        <span data-testid="disc-count">
          {entries.length} of {retail.limits.maxTracks} tracks
        </span>
      </p>
    </div>
  );
}

function EntryRow({
  entry,
  index,
  count,
  drag,
  handle,
}: {
  entry: DiscEntry;
  index: number;
  count: number;
  drag: DragView | null;
  handle: ReturnType<ReturnType<typeof useDragReorder>['handleProps']>;
}) {
  const { moveUp, moveDown, remove } = useSlice('disc', (s) => s);
  const { title, artist, durationMs } = entry.track;
  const who = `track ${index + 1}, ${title}`;
  const dragging = drag?.from === index;
  // The line where the held row would land: above its target when moving up, below when down.
  const mark =
    drag && !dragging && drag.to === index
      ? drag.to < drag.from
        ? ' drop-above'
        : ' drop-below'
      : '';
  return (
    <li
      className={`disc-entry${dragging ? ' dragging' : ''}${mark}`}
      data-testid="disc-entry"
      style={dragging ? { transform: `translateY(${drag.offsetY}px)` } : undefined}
    >
      {/* Hidden from readers: the Move up / Move down buttons do the same for them. */}
      <span className="drag-handle" aria-hidden="true" data-testid="drag-handle" {...handle}>
        ⠿
      </span>
      <span className="disc-pos">{index + 1}</span>
      <span className="track-text">
        <span className="track-title">{title}</span>
        {/* Under the title, not beside it: the narrow panel keeps its width for the title. */}
        <span className="track-artist">
          {formatDuration(durationMs)} · {artist}
        </span>
      </span>
      <span className="disc-entry-actions">
        <button
          type="button"
          className="icon-button"
          aria-label={`Move up: ${who}`}
          disabled={index === 0}
          onClick={() => moveUp(entry.key)}
        >
          ↑
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Move down: ${who}`}
          disabled={index === count - 1}
          onClick={() => moveDown(entry.key)}
        >
          ↓
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={`Remove: ${who}`}
          onClick={() => remove(entry.key)}
        >
          ✕
        </button>
      </span>
    </li>
  );
}

/**
 * The disc being built, beside the catalogue on a landscape screen and as a bottom sheet on a
 * portrait one (opened with its summary bar): title, capacity, tracks in order, price, and
 * the way to checkout.
 */
export function DiscPanel() {
  const retail = useSlice('kiosk', (s) => s.state?.retail ?? null);
  const pricing = useSlice('kiosk', (s) => s.state?.pricing ?? null);
  const entries = useSlice('disc', (s) => s.entries);
  const title = useSlice('disc', (s) => s.title);
  const setTitle = useSlice('disc', (s) => s.setTitle);
  const move = useSlice('disc', (s) => s.move);
  const push = useSlice('nav', (s) => s.push);
  const [open, setOpen] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const { drag, handleProps } = useDragReorder(listRef, move);
  if (!retail || !pricing) return null;
  const price = moneyText(discPrice(retail.pricing, entries.length), pricing);
  const count = entries.length === 1 ? '1 track' : `${entries.length} tracks`;
  return (
    <aside
      className={`disc-panel${open ? ' open' : ''}`}
      aria-label="Your disc"
      data-testid="disc-panel"
    >
      {/* Portrait only (see retail.css): the bar that opens and closes the sheet. */}
      <button
        type="button"
        className="disc-sheet-toggle"
        aria-expanded={open}
        aria-controls="disc-body"
        onClick={() => setOpen(!open)}
      >
        Your disc · {count} · {price}
      </button>
      <div className="disc-body" id="disc-body">
        <h2 className="disc-heading">Your disc</h2>
        <TextEntry
          label="Disc title"
          value={title}
          placeholder={DEFAULT_DISC_TITLE}
          onChange={setTitle}
          extraKeys={TITLE_KEYS}
          testId="disc-title"
        />
        <CapacityMeter entries={entries} retail={retail} />
        {entries.length === 0 ? (
          <p className="status">Tap “Add” on a song to put it on your disc.</p>
        ) : (
          <ol className="disc-tracks" aria-label="Tracks on your disc" ref={listRef}>
            {entries.map((entry, i) => (
              <EntryRow
                key={entry.key}
                entry={entry}
                index={i}
                count={entries.length}
                drag={drag}
                handle={handleProps(i)}
              />
            ))}
          </ol>
        )}
        <p className="disc-price">
          Price <strong data-testid="disc-price">{price}</strong>
        </p>
        <button
          type="button"
          className="primary checkout-button"
          disabled={entries.length === 0}
          onClick={() => push({ name: 'checkout' })}
        >
          Checkout
        </button>
      </div>
    </aside>
  );
}
