/** Vite bundles imported style sheets; TypeScript only needs to know the import exists. */
declare module '*.css';
