// One plot of an SLO series, drawn by Grafana's own TimeSeries (uPlot) with a table legend showing each
// line's last value, sized to its container.
import { FieldColorModeId, applyFieldOverrides, dateTime, type DataFrame } from '@grafana/data';
import type { LegendDisplayMode } from '@grafana/schema';
import { TimeSeries, useTheme2 } from '@grafana/ui';
import { useEffect, useMemo, useRef, useState } from 'react';

interface Props {
  frame: DataFrame;
  from: number;
  to: number;
  height: number;
  label: string;
  /** Where the legend table goes: below the plot (Grafana's default), or beside it, where a line per
   * window fits without a scroll when the plot is wide and not tall. */
  legend?: 'bottom' | 'right';
}

function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

export function SloPlot({ frame, from, to, height, label, legend = 'bottom' }: Props) {
  const theme = useTheme2();
  const { ref, width } = useWidth();
  const frames = useMemo(
    () =>
      applyFieldOverrides({
        // Each line its colour from the theme's palette, and the line style Grafana's time series
        // panel defaults to (outside a panel, nothing fills these in).
        data: [
          {
            ...frame,
            fields: frame.fields.map((f, i) => ({
              ...f,
              config: {
                ...f.config,
                color: { mode: FieldColorModeId.Fixed, fixedColor: theme.visualization.palette[i - 1] ?? 'text' },
                custom: { lineWidth: 2, fillOpacity: 0, spanNulls: true, showPoints: 'never', ...f.config.custom },
              },
            })),
          },
        ],
        fieldConfig: { defaults: {}, overrides: [] },
        replaceVariables: (v) => v,
        theme,
        timeZone: 'browser',
      }),
    [frame, theme],
  );
  const timeRange = useMemo(() => {
    const f = dateTime(from);
    const t = dateTime(to);
    return { from: f, to: t, raw: { from: f, to: t } };
  }, [from, to]);
  return (
    <figure
      ref={ref}
      aria-label={label}
      data-testid="slo-plot"
      style={{ margin: 0, minWidth: 0, height, position: 'relative' }}
    >
      {width > 0 && (
        <TimeSeries
          frames={frames}
          width={width}
          height={height}
          timeRange={timeRange}
          timeZone="browser"
          legend={{
            displayMode: 'table' as LegendDisplayMode,
            placement: legend,
            calcs: ['lastNotNull'],
            showLegend: true,
          }}
        />
      )}
    </figure>
  );
}
