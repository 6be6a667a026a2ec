/** `<service>-<name>` folded into an SLO id, for specs that do not name one. */
export const defaultSloId = (service: string, name: string) =>
  `${service}-${name}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 128);
