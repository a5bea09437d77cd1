"""Reference for bench/benchmark.ts: scikit-learn TF-IDF (word 1-2 and/or char 3-5, sublinear tf) + LinearSVC.

usage: python3 reference_tfidf_svm.py train.jsonl test.jsonl C [word+char|char]
Each input line is a JSON [text, label]; prints one predicted label per test line (JSON string).
"""
import json
import sys

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC


def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    return [r[0] for r in rows], [r[1] for r in rows]


def main():
    train_path, test_path, c = sys.argv[1], sys.argv[2], float(sys.argv[3])
    features = sys.argv[4] if len(sys.argv) > 4 else "word+char"
    x_train, y_train = load(train_path)
    x_test, _ = load(test_path)
    vectorizers = [TfidfVectorizer(analyzer="char", ngram_range=(3, 5), sublinear_tf=True)]
    if features == "word+char":
        vectorizers.insert(0, TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))
    a = sp.hstack([v.fit_transform(x_train) for v in vectorizers]).tocsr()
    b = sp.hstack([v.transform(x_test) for v in vectorizers]).tocsr()
    model = LinearSVC(C=c).fit(a, y_train)
    sys.stdout.write("".join(json.dumps(p) + "\n" for p in model.predict(b)))


main()
