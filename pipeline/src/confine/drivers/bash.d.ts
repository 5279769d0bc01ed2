/** The drivers' bash files are imported as text (esbuild's text loader; scripts/text-files.cjs under tsx). */
declare module '*.bash' {
  const text: string;
  export default text;
}
