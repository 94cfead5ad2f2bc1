/** Registers oncePerDocumentRule for the fields that declare oncePerDocument() (see once-per-document.ts). */
import type { Plugin } from 'graphql-yoga';
import { oncePerDocumentRule } from './once-per-document';

export function useOncePerDocument(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(oncePerDocumentRule());
    },
  };
}
