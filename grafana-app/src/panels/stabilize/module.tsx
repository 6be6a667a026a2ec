import { PanelPlugin } from '@grafana/data';
import { StabilizePanel, type StabilizePanelOptions } from './StabilizePanel';

export const plugin = new PanelPlugin<StabilizePanelOptions>(StabilizePanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'service',
      name: 'Service',
      description: 'One service, or a single-value $service variable',
      defaultValue: '$service',
    })
    .addTextInput({
      path: 'environment',
      name: 'Environment',
      description: 'One environment (production when empty)',
      defaultValue: 'production',
    }),
);
