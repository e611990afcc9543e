import { useRef, useState, type PointerEvent, type RefObject } from 'react';

/**
 * Where a row dragged from index `from` lands when its centre is at `y`: the number of other
 * rows whose centre lies above it. `centers` are the rows' centres when the drag began.
 */
export function dropIndex(centers: readonly number[], from: number, y: number): number {
  let to = 0;
  centers.forEach((center, i) => {
    if (i !== from && center < y) to++;
  });
  return to;
}

/** The drag in progress, as the list draws it. */
export interface DragView {
  from: number;
  /** Index the row would land at if dropped now. */
  to: number;
  /** How far the row has moved from where it was picked up, in CSS pixels. */
  offsetY: number;
}

interface Grab {
  pointerId: number;
  from: number;
  startY: number;
  centers: number[];
}

/**
 * Reordering a list by dragging a handle, with pointer events so touch and mouse work alike
 * (and Playwright's mouse can drive it; HTML5 drag-and-drop it cannot). The handle captures
 * the pointer, so the drag goes on when the finger leaves it. Rows are the list's `li`
 * children; `onMove(from, to)` runs once, on release.
 */
export function useDragReorder(
  listRef: RefObject<HTMLElement | null>,
  onMove: (from: number, to: number) => void,
): {
  drag: DragView | null;
  handleProps(index: number): {
    onPointerDown(e: PointerEvent<HTMLElement>): void;
    onPointerMove(e: PointerEvent<HTMLElement>): void;
    onPointerUp(e: PointerEvent<HTMLElement>): void;
    onPointerCancel(e: PointerEvent<HTMLElement>): void;
  };
} {
  const grab = useRef<Grab | null>(null);
  const [drag, setDrag] = useState<DragView | null>(null);

  const landing = (g: Grab, clientY: number): number =>
    dropIndex(g.centers, g.from, (g.centers[g.from] ?? 0) + clientY - g.startY);

  return {
    drag,
    handleProps: (index) => ({
      onPointerDown(e) {
        if (e.button !== 0 || grab.current || !listRef.current) return;
        const rows = Array.from(listRef.current.children).filter((el) => el.tagName === 'LI');
        const centers = rows.map((row) => {
          const box = row.getBoundingClientRect();
          return box.top + box.height / 2;
        });
        e.currentTarget.setPointerCapture(e.pointerId);
        // No text selection or scrolling while a row is held.
        e.preventDefault();
        grab.current = { pointerId: e.pointerId, from: index, startY: e.clientY, centers };
        setDrag({ from: index, to: index, offsetY: 0 });
      },
      onPointerMove(e) {
        const g = grab.current;
        if (!g || e.pointerId !== g.pointerId) return;
        setDrag({ from: g.from, to: landing(g, e.clientY), offsetY: e.clientY - g.startY });
      },
      onPointerUp(e) {
        const g = grab.current;
        if (!g || e.pointerId !== g.pointerId) return;
        grab.current = null;
        setDrag(null);
        // Judged on the release point itself, not on the last move React has drawn.
        const to = landing(g, e.clientY);
        if (to !== g.from) onMove(g.from, to);
      },
      onPointerCancel(e) {
        if (grab.current?.pointerId !== e.pointerId) return;
        grab.current = null;
        setDrag(null);
      },
    }),
  };
}
