#!/usr/bin/python3
"""Reference forecasts for tests/feeds/tst_feeds_forecast.cpp, from statsmodels (Debian's
python3-statsmodels; test-only).

Reads the JSON the test writes (a real series, our fitted parameters and initial state, our
forecasts), and writes back what statsmodels' ETSModel gives
  - "same":  with our parameters and initial state ('known' initialisation, smooth()): the same
             recursions and the analytic intervals; they must agree to rounding;
  - "own":   with statsmodels' own maximum-likelihood estimate (parameters and initial states),
             and its in-sample sum of squared errors, to compare how well each fits.
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

warnings.simplefilter("ignore")


def model(case, y, known):
    seasonal = case["method"] == "holtWinters"
    kwargs = dict(error="add", trend="add", damped_trend=True,
                  seasonal="add" if seasonal else None,
                  seasonal_periods=case["period"] if seasonal else None)
    if known:
        kwargs.update(initialization_method="known",
                      initial_level=case["initial"]["level"],
                      initial_trend=case["initial"]["trend"])
        if seasonal:
            kwargs["initial_seasonal"] = np.array(case["initial"]["season"])
    return ETSModel(y, **kwargs)


def frame(res, n, horizon, coverage):
    f = res.get_prediction(start=n, end=n + horizon - 1).summary_frame(alpha=1 - coverage)
    return {"mean": f["mean"].tolist(), "lower": f["pi_lower"].tolist(),
            "upper": f["pi_upper"].tolist()}


def main():
    case = json.load(open(sys.argv[1]))
    y = pd.Series(case["y"], index=pd.period_range(case["start"], periods=len(case["y"]), freq="M"))
    n, h, cov = len(case["y"]), case["horizon"], case["coverage"]
    p = case["params"]
    seasonal = case["method"] == "holtWinters"
    params = [p["alpha"], p["beta"]] + ([p["gamma"]] if seasonal else []) + [p["phi"]]
    same = model(case, y, True).smooth(params)
    own = model(case, y, False).fit(disp=False, maxiter=2000)
    out = {"same": frame(same, n, h, cov), "sameSse": float(same.sse),
           "own": frame(own, n, h, cov), "ownSse": float(own.sse),
           "ownParams": {k: float(v) for k, v in zip(own.model.param_names, own.params)
                         if not k.startswith("initial")}}
    json.dump(out, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
