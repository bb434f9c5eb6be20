// One short memory in each of ten scripts, and queries a user would type to find them (some without
// diacritics): shared by the unit test of the word index and the browser test of the memory worker.

/** A memory per language, by language code. */
export const SCRIPT_SAMPLES: Readonly<Record<string, string>> = {
  de: 'Jürgen wohnt in Zürich',
  fr: 'Hélène aime le café',
  ru: 'Алёна хранит паспорт в шкафу',
  el: 'Η Αθηνά μένει στη Θεσσαλονίκη',
  ar: 'يحتفظ أحمد بجواز السفر في المكتب',
  hi: 'अमित अपना छाता अटारी में रखते हैं',
  zh: '王伟把护照放在抽屉里',
  ja: '佐藤さんは傘を屋根裏にしまっています',
  ko: '이서연은 여권을 서랍에 보관한다',
  th: 'สมชายเก็บร่มไว้ในห้องใต้หลังคา',
};

/** A query and the language code of the one sample it must find. */
export const SCRIPT_QUERIES: readonly (readonly [string, string])[] = [
  ['zurich', 'de'],
  ['Zürich', 'de'],
  ['helene cafe', 'fr'],
  ['алена паспорт', 'ru'],
  ['Αθηνα', 'el'],
  ['أحمد', 'ar'],
  ['छाता', 'hi'],
  ['护照', 'zh'],
  ['佐藤', 'ja'],
  ['여권', 'ko'],
  ['ร่ม', 'th'],
];
