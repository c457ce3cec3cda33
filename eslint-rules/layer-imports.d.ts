import type { Rule } from 'eslint';

/** The layer rule of docs/design.md ("Layers"), as eslint.config.js turns it on. */
export declare const layerImports: Rule.RuleModule;
