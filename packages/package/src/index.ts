/**
 * @ovfkit/package — OVF packages as bytes: directory, OVA and URL sources, streaming reads,
 * manifests, certificates, chunked and gzip files, OVA writer.
 */
export * from './issues';
export * from './tar';
export * from './manifest';
export * from './certificate';
export * from './references';
export * from './http';
export * from './proxy';
export * from './source';
export * from './files';
export * from './ova';
export * from './verify';
export * from './signature';
export * from './plan-facts';
export * from './library-snapshot';
