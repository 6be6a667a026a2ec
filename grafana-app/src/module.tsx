import { AppPlugin } from '@grafana/data';
import { App } from './App';
import { AppConfig, type AppJsonData } from './pages/config/AppConfig';

export const plugin = new AppPlugin<AppJsonData>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
  id: 'configuration',
});
