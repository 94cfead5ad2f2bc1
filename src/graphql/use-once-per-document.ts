/** Registers oncePerDocumentRule for the credential-checking mutations (see once-per-document.ts). */
import type { Plugin } from 'graphql-yoga';
import { ONCE_PER_DOCUMENT_FIELDS, oncePerDocumentRule } from './once-per-document';

export function useOncePerDocument(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(oncePerDocumentRule(ONCE_PER_DOCUMENT_FIELDS));
    },
  };
}
