/** The facts model of one image.sh: types, extraction and queries. */
export * from './model';
export { extractFacts, FactsBuilder } from './document';
export * from './query';
export * from './call-graph';
export * from './file-arrays';
export { encodingOf } from './encoding';
