import { PanelPlugin } from '@grafana/data';
import { BurnRatePanel, type BurnRatePanelOptions } from './BurnRatePanel';
import { SloPicker } from './SloPicker';

export const plugin = new PanelPlugin<BurnRatePanelOptions>(BurnRatePanel).setPanelOptions((builder) =>
  builder.addCustomEditor({
    id: 'sloId',
    path: 'sloId',
    name: 'SLO',
    description: 'The SLO to show (its id; a variable such as $slo works too)',
    editor: SloPicker,
  }),
);
