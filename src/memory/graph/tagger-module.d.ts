// The type of compromise's French, German and Spanish ports as this project imports them: they ship
// their types as .ts sources that do not compile under this project's settings, so tsconfig.base.json
// maps the three modules here; the tagger is used through its own small Tagger type (entity-extraction.ts).
declare const nlp: unknown;
export default nlp;
