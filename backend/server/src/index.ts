export { loadConfig, Config, ConfigError } from './config/config.js';
export { startServer, type RunningServer } from './server.js';
export { main } from './main.js';
export { readRunbookFolders, type FolderRead } from './runbooks/folder.js';
export { checkFiles, syncFiles, type FilesReport, type FilesPart } from './filesSync.js';
