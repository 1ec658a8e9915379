"""The default assessment forms, as data: an agency adapts questions by publishing a new version,
without code (Primero's forms-as-data idea). Labels are per language (vi, km, en); a missing
language falls back to English.

Question types: "choice" (one of `choices`), "text" (free text, stored encrypted with the answers).
Changing this data publishes a new default version the next time the defaults are installed (after
every `migrate`, and by the demo seed); assessments already recorded keep the version they answered.
"""

from typing import Any

# The question of the comprehensive assessment that keeps the child's own words about what they want
# (read again before a closure is approved). An agency's own version of the form may drop it.
CHILD_WISHES = "child_wishes"

YES_NO_UNKNOWN: list[dict[str, Any]] = [
    {"value": "yes", "label": {"en": "Yes", "vi": "Có", "km": "បាទ/ចាស"}},
    {"value": "no", "label": {"en": "No", "vi": "Không", "km": "ទេ"}},
    {"value": "not_known", "label": {"en": "Not known", "vi": "Chưa biết", "km": "មិនដឹង"}},
]

CONCERN: list[dict[str, Any]] = [
    {"value": "none", "label": {"en": "No concern", "vi": "Không đáng lo", "km": "មិនគួរឱ្យព្រួយបារម្ភ"}},
    {"value": "some", "label": {"en": "Some concern", "vi": "Hơi đáng lo", "km": "គួរឱ្យព្រួយបារម្ភខ្លះ"}},
    {"value": "serious", "label": {"en": "Serious concern", "vi": "Rất đáng lo",
                                   "km": "គួរឱ្យព្រួយបារម្ភខ្លាំង"}},
]  # fmt: skip

DEFAULT_FORMS: dict[str, dict[str, Any]] = {
    "safety": {
        "title": {"en": "Safety assessment", "vi": "Đánh giá an toàn", "km": "ការវាយតម្លៃសុវត្ថិភាព"},
        "questions": [
            {"key": "safe_now", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is the child safe right now?",
                       "vi": "Ngay lúc này, trẻ có an toàn không?",
                       "km": "តើកុមារមានសុវត្ថិភាពនៅពេលនេះទេ?"}},
            {"key": "contact_ongoing", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is the person who harmed still in contact with the child?",
                       "vi": "Người gây hại có còn liên lạc với trẻ không?",
                       "km": "តើអ្នកដែលបានធ្វើបាបកុមារ នៅតែទាក់ទងជាមួយកុមារទេ?"}},
            {"key": "threats", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Are there threats to share images or to hurt the child?",
                       "vi": "Có ai đang dọa phát tán hình ảnh hoặc làm hại trẻ không?",
                       "km": "តើមាននរណាគំរាមចែកចាយរូបភាព ឬគំរាមធ្វើបាបកុមារទេ?"}},
            {"key": "self_harm", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Has the child thought about hurting themselves?",
                       "vi": "Trẻ có từng nghĩ đến việc tự làm hại mình không?",
                       "km": "តើកុមារធ្លាប់គិតចង់ធ្វើបាបខ្លួនឯងទេ?"}},
            {"key": "home_safe", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is home a safe place for the child?",
                       "vi": "Ở nhà có an toàn cho trẻ không?",
                       "km": "តើផ្ទះជាកន្លែងមានសុវត្ថិភាពសម្រាប់កុមារទេ?"}},
            {"key": "trusted_adult", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Is there a trusted adult the child can turn to?",
                       "vi": "Trẻ có người lớn tin cậy để tìm đến khi cần không?",
                       "km": "តើកុមារមានមនុស្សពេញវ័យដែលទុកចិត្តបាន ដើម្បីរកជំនួយពេលត្រូវការទេ?"}},
            {"key": "actions", "type": "text", "required": False,
             "label": {"en": "What was done now to keep the child safe",
                       "vi": "Những việc đã làm ngay để giữ an toàn cho trẻ",
                       "km": "អ្វីដែលបានធ្វើភ្លាមៗ ដើម្បីការពារសុវត្ថិភាពកុមារ"}},
        ],
    },
    "comprehensive": {
        "title": {"en": "Comprehensive assessment", "vi": "Đánh giá toàn diện",
                  "km": "ការវាយតម្លៃទូលំទូលាយ"},
        "questions": [
            {"key": "emotional", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Emotional wellbeing and mental health",
                       "vi": "Cảm xúc và sức khỏe tâm thần",
                       "km": "អារម្មណ៍ និងសុខភាពផ្លូវចិត្ត"}},
            {"key": "physical", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Physical health", "vi": "Sức khỏe thể chất", "km": "សុខភាពរាងកាយ"}},
            {"key": "education", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "School attendance and learning", "vi": "Việc đi học và học tập",
                       "km": "ការទៅសាលា និងការសិក្សា"}},
            {"key": "family", "type": "choice", "required": True, "choices": CONCERN,
             "label": {"en": "Support from family and caregivers",
                       "vi": "Sự hỗ trợ của gia đình và người chăm sóc",
                       "km": "ការគាំទ្រពីគ្រួសារ និងអ្នកថែទាំ"}},
            {"key": "online_material", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Are images or videos of the child still online?",
                       "vi": "Hình ảnh hoặc video của trẻ có còn trên mạng không?",
                       "km": "តើរូបភាព ឬវីដេអូរបស់កុមារ នៅតែមាននៅលើអ៊ីនធឺណិតទេ?"}},
            {"key": "justice", "type": "choice", "required": True, "choices": YES_NO_UNKNOWN,
             "label": {"en": "Does the child or family want to report to the police?",
                       "vi": "Trẻ hoặc gia đình có muốn báo công an không?",
                       "km": "តើកុមារ ឬគ្រួសារចង់រាយការណ៍ទៅប៉ូលិសទេ?"}},
            {"key": CHILD_WISHES, "type": "text", "required": False,
             "label": {"en": "What the child wants, in their own words",
                       "vi": "Điều trẻ mong muốn, theo lời của chính trẻ",
                       "km": "អ្វីដែលកុមារចង់បាន តាមពាក្យសម្ដីរបស់កុមារផ្ទាល់"}},
            {"key": "needs", "type": "text", "required": False,
             "label": {"en": "Needs and strengths found",
                       "vi": "Những nhu cầu và điểm mạnh đã nhận thấy",
                       "km": "តម្រូវការ និងចំណុចខ្លាំងដែលបានរកឃើញ"}},
        ],
    },
}  # fmt: skip
