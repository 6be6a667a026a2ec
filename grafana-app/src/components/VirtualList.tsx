// A fixed-row-height virtual list: only the rows in view (plus a margin) are in the DOM, so 10k events
// scroll as smoothly as 50. `onNearEnd` asks for the next page when the last rows come into view.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

interface Props<T> {
  items: T[];
  rowHeight: number;
  height: number;
  renderRow: (item: T, index: number, style: React.CSSProperties) => ReactNode;
  onNearEnd?: () => void;
  overscan?: number;
}

export function VirtualList<T>({ items, rowHeight, height, renderRow, onNearEnd, overscan = 8 }: Props<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((top + height) / rowHeight) + overscan);

  const check = useCallback(() => {
    if (onNearEnd && last >= items.length - 2 * overscan) onNearEnd();
  }, [onNearEnd, last, items.length, overscan]);
  useEffect(check, [check]);

  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      renderRow(items[i]!, i, { position: 'absolute', top: i * rowHeight, left: 0, right: 0, height: rowHeight }),
    );
  }
  return (
    <div
      ref={ref}
      role="grid"
      aria-rowcount={items.length}
      data-testid="virtual-list"
      style={{ height, overflowY: 'auto', position: 'relative' }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
    >
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>{rows}</div>
    </div>
  );
}
