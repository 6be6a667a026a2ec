import { PanelPlugin } from '@grafana/data';
import { TimelinePanel, type TimelinePanelOptions } from './TimelinePanel';

export const plugin = new PanelPlugin<TimelinePanelOptions>(TimelinePanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'service',
      name: 'Service',
      description: 'A service, a comma list or $service',
      defaultValue: '$service',
    })
    .addTextInput({ path: 'environment', name: 'Environment', description: 'Optional', defaultValue: '' })
    .addTextInput({
      path: 'kind',
      name: 'Kinds',
      description: 'e.g. deploy, incident (all when empty)',
      defaultValue: '',
    })
    .addNumberInput({ path: 'limit', name: 'Events', defaultValue: 50, settings: { min: 1, max: 500, integer: true } }),
);
