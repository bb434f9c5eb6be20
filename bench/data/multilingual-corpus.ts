/**
 * The multilingual benchmark's own texts (written for memos-web, not taken from a dataset): for each
 * language, names, things and places, a sentence that says where someone keeps something, and a
 * question about it. The benchmark crosses names with things, so every question has exactly one
 * memory that holds both its name and its thing; about a third of the questions are asked in lower
 * case and without diacritics, as people type them.
 */

/** One language's material. */
export interface LanguageCorpus {
  readonly language: string;
  readonly script: string;
  readonly names: readonly string[];
  readonly things: readonly string[];
  readonly places: readonly string[];
  /** The memory: `name` keeps `thing` at `place`. */
  memory(name: string, thing: string, place: string): string;
  /** The question whose answer is that memory. */
  question(name: string, thing: string): string;
}

export const CORPUS: readonly LanguageCorpus[] = [
  {
    language: 'English',
    script: 'Latin',
    names: ['Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Isla', 'Jack', 'Ava', 'Harry', 'Mia', 'George'],
    things: ['passport', 'umbrella', 'guitar', 'bicycle', 'camera', 'notebook', 'hammer', 'telescope', 'violin', 'blanket', 'toolbox', 'lantern', 'kettle', 'backpack', 'skateboard', 'microscope', 'typewriter', 'saddle', 'compass', 'binoculars'],
    places: ['in the attic', 'under the bed', 'in the garage', 'behind the sofa', 'in the basement', 'on the top shelf', 'in the hallway cupboard', 'at the office'],
    memory: (n, t, p) => `${n} keeps the ${t} ${p}.`,
    question: (n, t) => `Where does ${n} keep the ${t}?`,
  },
  {
    language: 'German',
    script: 'Latin',
    names: ['Jürgen', 'Müller', 'Sören', 'Käthe', 'Björn', 'Günther', 'Lena', 'Jörg', 'Ursula', 'Matthias', 'Brigitte', 'Tobias'],
    things: ['Reisepass', 'Regenschirm', 'Gitarre', 'Fahrrad', 'Kamera', 'Notizbuch', 'Hammer', 'Fernrohr', 'Geige', 'Wolldecke', 'Werkzeugkasten', 'Laterne', 'Wasserkocher', 'Rucksack', 'Schlüsselbund', 'Mikroskop', 'Schreibmaschine', 'Sattel', 'Kompass', 'Fernglas'],
    places: ['auf dem Dachboden', 'unter dem Bett', 'in der Garage', 'hinter dem Sofa', 'im Keller', 'im obersten Regal', 'im Flurschrank', 'im Büro'],
    memory: (n, t, p) => `${n} bewahrt den Gegenstand ${t} ${p} auf.`,
    question: (n, t) => `Wo bewahrt ${n} den Gegenstand ${t} auf?`,
  },
  {
    language: 'French',
    script: 'Latin',
    names: ['Hélène', 'Jérôme', 'Françoise', 'Benoît', 'Zoé', 'Gaëlle', 'Noël', 'Amélie', 'Clément', 'Léa', 'Raphaël', 'Inès'],
    things: ['passeport', 'parapluie', 'guitare', 'vélo', 'appareil photo', 'carnet', 'marteau', 'télescope', 'violon', 'couverture', 'boîte à outils', 'lanterne', 'bouilloire', 'sac à dos', 'planche à roulettes', 'microscope', 'machine à écrire', 'selle', 'boussole', 'jumelles'],
    places: ['au grenier', 'sous le lit', 'dans le garage', 'derrière le canapé', 'à la cave', "sur l'étagère du haut", 'dans le placard du couloir', 'au bureau'],
    memory: (n, t, p) => `${n} range l'objet « ${t} » ${p}.`,
    question: (n, t) => `Où ${n} range-t-elle l'objet « ${t} » ?`,
  },
  {
    language: 'Spanish',
    script: 'Latin',
    names: ['José', 'María', 'Núñez', 'Begoña', 'Íñigo', 'Lucía', 'Andrés', 'Sofía', 'Ramón', 'Inés', 'Joaquín', 'Verónica'],
    things: ['pasaporte', 'paraguas', 'guitarra', 'bicicleta', 'cámara', 'cuaderno', 'martillo', 'telescopio', 'violín', 'manta', 'caja de herramientas', 'linterna', 'tetera', 'mochila', 'monopatín', 'microscopio', 'máquina de escribir', 'montura', 'brújula', 'prismáticos'],
    places: ['en el desván', 'debajo de la cama', 'en el garaje', 'detrás del sofá', 'en el sótano', 'en el estante de arriba', 'en el armario del pasillo', 'en la oficina'],
    memory: (n, t, p) => `${n} guarda el objeto «${t}» ${p}.`,
    question: (n, t) => `¿Dónde guarda ${n} el objeto «${t}»?`,
  },
  {
    language: 'Turkish',
    script: 'Latin',
    names: ['Ayşe', 'Mehmet', 'Gülşen', 'Çağrı', 'Özlem', 'Şükrü', 'İbrahim', 'Büşra', 'Oğuz', 'Ümit', 'Elif', 'Barış'],
    things: ['pasaport', 'şemsiye', 'gitar', 'bisiklet', 'fotoğraf makinesi', 'defter', 'çekiç', 'teleskop', 'keman', 'battaniye', 'alet çantası', 'fener', 'çaydanlık', 'sırt çantası', 'kaykay', 'mikroskop', 'daktilo', 'eyer', 'pusula', 'dürbün'],
    places: ['çatı katında', 'yatağın altında', 'garajda', 'kanepenin arkasında', 'bodrumda', 'en üst rafta', 'koridor dolabında', 'ofiste'],
    memory: (n, t, p) => `${n} eşyası ${t} ${p} duruyor.`,
    question: (n, t) => `${n} eşyası ${t} nerede duruyor?`,
  },
  {
    language: 'Russian',
    script: 'Cyrillic',
    names: ['Алёна', 'Дмитрий', 'Ольга', 'Пётр', 'Наталья', 'Сергей', 'Татьяна', 'Фёдор', 'Ксения', 'Григорий', 'Людмила', 'Василий'],
    things: ['паспорт', 'зонт', 'гитара', 'велосипед', 'фотоаппарат', 'блокнот', 'молоток', 'телескоп', 'скрипка', 'плед', 'ящик с инструментами', 'фонарь', 'чайник', 'рюкзак', 'скейтборд', 'микроскоп', 'пишущая машинка', 'седло', 'компас', 'бинокль'],
    places: ['на чердаке', 'под кроватью', 'в гараже', 'за диваном', 'в подвале', 'на верхней полке', 'в шкафу в прихожей', 'в офисе'],
    memory: (n, t, p) => `У человека по имени ${n} вещь «${t}» хранится ${p}.`,
    question: (n, t) => `Где у человека по имени ${n} хранится вещь «${t}»?`,
  },
  {
    language: 'Ukrainian',
    script: 'Cyrillic',
    names: ['Олена', 'Богдан', 'Ірина', 'Тарас', 'Оксана', 'Ярослав', 'Галина', 'Остап', 'Соломія', 'Євген', 'Мирослава', 'Андрій'],
    things: ['паспорт', 'парасолька', 'гітара', 'велосипед', 'фотоапарат', 'записник', 'молоток', 'телескоп', 'скрипка', 'ковдра', 'ящик з інструментами', 'ліхтар', 'чайник', 'рюкзак', 'скейтборд', 'мікроскоп', 'друкарська машинка', 'сідло', 'компас', 'бінокль'],
    places: ['на горищі', 'під ліжком', 'у гаражі', 'за диваном', 'у підвалі', 'на верхній полиці', 'у шафі в коридорі', 'в офісі'],
    memory: (n, t, p) => `Людина на ім'я ${n} тримає річ «${t}» ${p}.`,
    question: (n, t) => `Де людина на ім'я ${n} тримає річ «${t}»?`,
  },
  {
    language: 'Greek',
    script: 'Greek',
    names: ['Γιώργος', 'Ελένη', 'Νίκος', 'Μαρία', 'Κώστας', 'Σοφία', 'Δημήτρης', 'Αθηνά', 'Παύλος', 'Ειρήνη', 'Στέφανος', 'Χρύσα'],
    things: ['διαβατήριο', 'ομπρέλα', 'κιθάρα', 'ποδήλατο', 'φωτογραφική μηχανή', 'σημειωματάριο', 'σφυρί', 'τηλεσκόπιο', 'βιολί', 'κουβέρτα', 'εργαλειοθήκη', 'φανάρι', 'βραστήρας', 'σακίδιο', 'πατίνι', 'μικροσκόπιο', 'γραφομηχανή', 'σέλα', 'πυξίδα', 'κιάλια'],
    places: ['στη σοφίτα', 'κάτω από το κρεβάτι', 'στο γκαράζ', 'πίσω από τον καναπέ', 'στο υπόγειο', 'στο πάνω ράφι', 'στην ντουλάπα του διαδρόμου', 'στο γραφείο'],
    memory: (n, t, p) => `Ο/Η ${n} φυλάει το αντικείμενο «${t}» ${p}.`,
    question: (n, t) => `Πού φυλάει ο/η ${n} το αντικείμενο «${t}»;`,
  },
  {
    language: 'Arabic',
    script: 'Arabic',
    names: ['أحمد', 'فاطمة', 'يوسف', 'مريم', 'خالد', 'ليلى', 'عمر', 'نور', 'سلمى', 'طارق', 'هدى', 'كريم'],
    things: ['جواز السفر', 'المظلة', 'الغيتار', 'الدراجة', 'الكاميرا', 'الدفتر', 'المطرقة', 'التلسكوب', 'الكمان', 'البطانية', 'صندوق العدة', 'الفانوس', 'الغلاية', 'حقيبة الظهر', 'لوح التزلج', 'المجهر', 'الآلة الكاتبة', 'السرج', 'البوصلة', 'المنظار'],
    places: ['في العلية', 'تحت السرير', 'في المرآب', 'خلف الأريكة', 'في القبو', 'على الرف العلوي', 'في خزانة الممر', 'في المكتب'],
    memory: (n, t, p) => `يحتفظ ${n} بـ ${t} ${p}.`,
    question: (n, t) => `أين يحتفظ ${n} بـ ${t}؟`,
  },
  {
    language: 'Hindi',
    script: 'Devanagari',
    names: ['अमित', 'प्रिया', 'राहुल', 'सुनीता', 'विकास', 'अंजलि', 'संजय', 'पूजा', 'अर्जुन', 'कविता', 'रोहित', 'नेहा'],
    things: ['पासपोर्ट', 'छाता', 'गिटार', 'साइकिल', 'कैमरा', 'नोटबुक', 'हथौड़ा', 'दूरबीन', 'वायलिन', 'कंबल', 'औज़ार बक्सा', 'लालटेन', 'केतली', 'बस्ता', 'स्केटबोर्ड', 'सूक्ष्मदर्शी', 'टाइपराइटर', 'काठी', 'कम्पास', 'चश्मा'],
    places: ['अटारी में', 'पलंग के नीचे', 'गैराज में', 'सोफ़े के पीछे', 'तहखाने में', 'सबसे ऊपर वाली शेल्फ़ पर', 'गलियारे की अलमारी में', 'दफ़्तर में'],
    memory: (n, t, p) => `${n} अपना ${t} ${p} रखते हैं।`,
    question: (n, t) => `${n} अपना ${t} कहाँ रखते हैं?`,
  },
  {
    language: 'Chinese',
    script: 'Han',
    names: ['王伟', '李娜', '张敏', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴芳', '徐明', '孙悦'],
    things: ['护照', '雨伞', '吉他', '自行车', '照相机', '笔记本', '锤子', '望远镜', '小提琴', '毛毯', '工具箱', '灯笼', '水壶', '背包', '滑板', '显微镜', '打字机', '马鞍', '指南针', '双筒望远镜'],
    places: ['阁楼里', '床底下', '车库里', '沙发后面', '地下室里', '最上面的架子上', '走廊的柜子里', '办公室里'],
    memory: (n, t, p) => `${n}把${t}放在${p}。`,
    question: (n, t) => `${n}的${t}放在哪里？`,
  },
  {
    language: 'Japanese',
    script: 'Han + Kana',
    names: ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田'],
    things: ['パスポート', '傘', 'ギター', '自転車', 'カメラ', 'ノート', 'ハンマー', '望遠鏡', 'バイオリン', '毛布', '工具箱', 'ランタン', 'やかん', 'リュック', 'スケートボード', '顕微鏡', 'タイプライター', '鞍', '方位磁石', '双眼鏡'],
    places: ['屋根裏に', 'ベッドの下に', 'ガレージに', 'ソファの後ろに', '地下室に', '一番上の棚に', '廊下の戸棚に', '事務所に'],
    memory: (n, t, p) => `${n}さんは${t}を${p}しまっています。`,
    question: (n, t) => `${n}さんの${t}はどこにありますか？`,
  },
  {
    language: 'Korean',
    script: 'Hangul',
    names: ['김민준', '이서연', '박지훈', '최수빈', '정예린', '강도윤', '조하은', '윤시우', '장지민', '임서준', '한지우', '오유나'],
    things: ['여권', '우산', '기타', '자전거', '카메라', '공책', '망치', '망원경', '바이올린', '담요', '공구함', '랜턴', '주전자', '배낭', '스케이트보드', '현미경', '타자기', '안장', '나침반', '쌍안경'],
    places: ['다락방에', '침대 밑에', '차고에', '소파 뒤에', '지하실에', '맨 위 선반에', '복도 벽장에', '사무실에'],
    memory: (n, t, p) => `${n}은 ${t}을 ${p} 보관한다.`,
    question: (n, t) => `${n}은 ${t}을 어디에 보관하나요?`,
  },
  {
    language: 'Thai',
    script: 'Thai',
    names: ['สมชาย', 'สมหญิง', 'วิชัย', 'มาลี', 'ประยุทธ', 'นงลักษณ์', 'สุรชัย', 'กาญจนา', 'ธนากร', 'พิมพ์ใจ', 'อนุชา', 'รัตนา'],
    things: ['หนังสือเดินทาง', 'ร่ม', 'กีตาร์', 'จักรยาน', 'กล้องถ่ายรูป', 'สมุดบันทึก', 'ค้อน', 'กล้องโทรทรรศน์', 'ไวโอลิน', 'ผ้าห่ม', 'กล่องเครื่องมือ', 'ตะเกียง', 'กาต้มน้ำ', 'เป้', 'สเก็ตบอร์ด', 'กล้องจุลทรรศน์', 'เครื่องพิมพ์ดีด', 'อานม้า', 'เข็มทิศ', 'กล้องส่องทางไกล'],
    places: ['ในห้องใต้หลังคา', 'ใต้เตียง', 'ในโรงรถ', 'หลังโซฟา', 'ในห้องใต้ดิน', 'บนชั้นบนสุด', 'ในตู้ที่ทางเดิน', 'ที่สำนักงาน'],
    memory: (n, t, p) => `${n} เก็บ${t}ไว้${p}`,
    question: (n, t) => `${n} เก็บ${t}ไว้ที่ไหน`,
  },
];
