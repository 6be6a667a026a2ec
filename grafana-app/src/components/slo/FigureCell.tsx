// A number with its working: the result, the formula, and the inputs it was computed from.
import type { Figure } from '@ballast/contract';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { figureValue } from './sloView';

export function FigureCell({ figure, testId }: { figure: Figure; testId?: string }) {
  const s = useStyles2(getStyles);
  return (
    <div>
      <strong data-testid={testId}>{figureValue(figure.value)}</strong>
      <div className={s.formula}>{figure.formula}</div>
      <div className={s.inputs}>
        {Object.entries(figure.inputs)
          .map(([k, v]) => `${k} = ${typeof v === 'number' ? figureValue(v) : (v ?? '—')}`)
          .join(', ')}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  formula: css({ fontFamily: theme.typography.fontFamilyMonospace, fontSize: theme.typography.bodySmall.fontSize }),
  inputs: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
