/** The identity of memos-web's cube files (docs/cube-file-format.md), shared by the writer and the page. */

/** The `format` field of every cube file. */
export const CUBE_FILE_FORMAT = 'memos-web.cube';
/** The format version this code writes and reads. */
export const CUBE_FILE_VERSION = 1;
