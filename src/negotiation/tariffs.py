"""Trade welfare from bilateral tariffs, with a terms-of-trade motive (pure numpy, no Mesa).

The model is the textbook partial equilibrium of a tariff on one good (e.g. Feenstra,
*Advanced International Trade*, ch. 7; Bagwell & Staiger 1990, P12), applied to every
directed pair separately. In the market where country ``i`` imports from ``j``:

* ``i``'s import demand has constant elasticity ``eps``: ``M = M0 * p_dom**-eps``;
* ``j``'s export supply has constant elasticity ``eta``: ``X = M0 * p_w**eta``;
* ``i``'s ad-valorem tariff ``t`` drives a wedge ``p_dom = (1 + t) * p_w``.

Prices are normalised to 1 under free trade, so ``M0`` is the free-trade flow in USD bn
per turn. Market clearing gives the closed forms used throughout:

    p_w = (1 + t) ** (-eps / (eps + eta)),   Q = M0 * p_w ** eta,   p_dom = (1 + t) * p_w.

Relative to free trade, the importer gains tariff revenue ``t * p_w * Q`` and loses consumer
surplus (the area under its import demand, which nets its import-competing producers'
gain); the exporter loses producer surplus (the area above its export supply). Regrouped:

    importer:  terms-of-trade gain (1 - p_w) * Q  -  deadweight loss under import demand,
    exporter:  - terms-of-trade loss (1 - p_w) * Q  -  deadweight loss above export supply.

So a tariff pays its setter up to a point: the marginal gain is
``eps / (eps + eta) * p_w * Q * (1 - t * eta) / (1 + t)``, zero at the optimal tariff
``1 / eta`` (P16), whatever the other tariffs are. Because pairs are separate markets the
best response is a dominant strategy, the one-shot tariff game is a prisoner's dilemma
(Johnson 1953) and its Nash equilibrium is every tariff at ``1 / eta``.

Calibration (docs/bargaining.md): ``eta = 1 / 0.63`` puts the Nash tariffs at Ossa's 63 %
(P11); ``eps = 4`` is the trade elasticity of P16; ``welfare_scale`` is set so that a
representative country, trading the world's share of goods in GDP with partners who all
go to Nash tariffs, loses Ossa's 2.9 % of GDP (P11, P15).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Ossa 2014 (P11): world trade-war (Nash) tariffs average 63 %.
OSSA_NASH_TARIFF = 0.63
#: Ossa 2014 (P11): a breakdown of cooperation costs governments 2.9 % of welfare on average.
OSSA_WAR_LOSS = 0.029
#: Simonovska & Waugh 2014 (P16): the trade elasticity, about 4.
TRADE_ELASTICITY = 4.0
#: public: WTO Annual Report 2025, world merchandise trade USD 24.43 tn in 2024; IMF World
#: Economic Outlook, world nominal GDP 2024 about USD 110 tn. Goods imports / GDP.
WORLD_GOODS_TRADE_TO_GDP = 24.43 / 110.0


# --- the closed forms of one market, elementwise -----------------------------------------

def _share(eps, eta):
    """eps / (eps + eta): how much of the tariff falls on the exporter's price."""
    return eps / (eps + eta)


def _area_under_demand(p_dom, m0, eps):
    """Integral of m0 * p**-eps from 1 to p_dom; stable at eps = 1 (then m0 * ln p_dom)."""
    log_p = np.log(p_dom)
    x = (1.0 - eps) * log_p
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.abs(x) < 1e-12, 1.0 + x / 2.0, np.expm1(x) / np.where(x == 0, 1.0, x))
    return m0 * log_p * ratio


def _consumer_surplus(t, m0, eps, eta):
    p_dom = (1.0 + t) ** (1.0 - _share(eps, eta))
    return -_area_under_demand(p_dom, m0, eps)


def _revenue(t, m0, eps, eta):
    p_w = (1.0 + t) ** (-_share(eps, eta))
    return t * p_w * m0 * p_w**eta


def _importer_gain(t, m0, eps, eta):
    return _consumer_surplus(t, m0, eps, eta) + _revenue(t, m0, eps, eta)


def _exporter_surplus(t, m0, eps, eta):
    """Change in the exporter's producer surplus: integral of m0 * p**eta from 1 to p_w (<= 0)."""
    p_w = (1.0 + t) ** (-_share(eps, eta))
    return m0 * (p_w ** (1.0 + eta) - 1.0) / (1.0 + eta)


def _pair_loss_per_unit(tariff: float, eps: float, eta: float) -> tuple[float, float]:
    """(importer's gain, exporter's loss) per unit of free-trade flow in one market."""
    gain = float(_importer_gain(np.float64(tariff), np.float64(1.0), eps, eta))
    loss = -float(_exporter_surplus(np.float64(tariff), np.float64(1.0), eps, eta))
    return gain, loss


def calibrated_welfare_scale(nash_tariff: float = OSSA_NASH_TARIFF, war_loss: float = OSSA_WAR_LOSS,
                             import_demand_elasticity: float = TRADE_ELASTICITY,
                             trade_to_gdp: float = WORLD_GOODS_TRADE_TO_GDP) -> float:
    """The scale on the surplus triangles that makes a representative trade war cost ``war_loss``.

    The representative country imports and exports ``trade_to_gdp`` of its GDP with
    symmetric partners; when all of them (and it) go to the Nash tariff ``nash_tariff`` it
    gains the importer's net on its imports and loses the exporter's surplus on its exports.
    The unscaled triangles on goods flows alone give less than Ossa's general-equilibrium
    figure; the scale is the ratio (about 1.47 at the defaults), reported in the docs.
    """
    gain, loss = _pair_loss_per_unit(nash_tariff, import_demand_elasticity, 1.0 / nash_tariff)
    per_gdp = trade_to_gdp * (loss - gain)
    if per_gdp <= 0:
        raise ValueError("a symmetric trade war must cost something before it can be scaled")
    return war_loss / per_gdp


@dataclass(frozen=True)
class TariffParams:
    """Elasticities and scale of the tariff block (defaults calibrated, see docs/bargaining.md).

    ``export_supply_elasticity`` (eta): 1 / 0.63 = 1.587, so the optimal and Nash tariff
    1 / eta is Ossa's 63 % (P11, Ossa 2014 AER 104:4104; formula P16). A scalar, or an
    ``n x n`` array where ``[i, j]`` is the elasticity of j's export supply to i.
    ``import_demand_elasticity`` (eps): 4, the trade elasticity of Simonovska & Waugh 2014
    (P16), read as the elasticity of import demand to its tariff-inclusive price (the
    gravity elasticity is measured at given exporter prices). Scalar or ``n x n``.
    ``welfare_scale``: multiplies every surplus so that a representative country in a
    war with all partners at Nash tariffs loses 2.9 % of GDP (P11, P15; world goods trade
    / GDP from the WTO and IMF, ``public:``); about 1.47. It leaves every best response
    unchanged.
    """

    export_supply_elasticity: float | np.ndarray = 1.0 / OSSA_NASH_TARIFF
    import_demand_elasticity: float | np.ndarray = TRADE_ELASTICITY
    welfare_scale: float = field(default_factory=calibrated_welfare_scale)

    @classmethod
    def calibrated(cls, nash_tariff: float = OSSA_NASH_TARIFF, war_loss: float = OSSA_WAR_LOSS,
                   import_demand_elasticity: float = TRADE_ELASTICITY,
                   trade_to_gdp: float = WORLD_GOODS_TRADE_TO_GDP) -> TariffParams:
        """Parameters that hit other targets: eta = 1 / nash_tariff and the scale recomputed.

        Changing an elasticity by hand keeps the default scale; use this to recalibrate.
        """
        scale = calibrated_welfare_scale(nash_tariff, war_loss, import_demand_elasticity, trade_to_gdp)
        return cls(1.0 / nash_tariff, import_demand_elasticity, scale)


DEFAULT_PARAMS = TariffParams()


@dataclass(frozen=True)
class WelfareBreakdown:
    """Each country's trade welfare relative to free trade, USD bn per turn, and its parts.

    ``total = revenue + consumer_surplus + producer_surplus``
    ``      = terms_of_trade - deadweight``: the same sum regrouped.
    """

    revenue: np.ndarray
    consumer_surplus: np.ndarray
    producer_surplus: np.ndarray
    terms_of_trade: np.ndarray
    deadweight: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return self.revenue + self.consumer_surplus + self.producer_surplus


def _check(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(tariffs, dtype=float)
    m = np.asarray(imports, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1] or m.shape != t.shape:
        raise ValueError(f"tariffs and imports must be the same n x n arrays, got {t.shape} and {m.shape}")
    if np.any(t <= -1.0):
        raise ValueError("a tariff must be above -100 %")
    if np.any(m < 0):
        raise ValueError("imports must be non-negative")
    for name in ("export_supply_elasticity", "import_demand_elasticity"):
        if np.any(np.asarray(getattr(params, name)) <= 0):
            raise ValueError(f"{name} must be positive")
    # a country does not tariff itself: the diagonal carries no trade
    return t, m * (1.0 - np.eye(len(m)))


# --- the array API the engine calls ----------------------------------------------------

def world_price(tariffs: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """The exporter's price relative to free trade, ``(1 + t) ** (-eps / (eps + eta))``, elementwise."""
    t = np.asarray(tariffs, dtype=float)
    return (1.0 + t) ** (-_share(params.import_demand_elasticity, params.export_supply_elasticity))


def import_quantity(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Imports at the tariffs in force, in free-trade USD bn (quantity at free-trade prices)."""
    return np.asarray(imports, dtype=float) * world_price(tariffs, params) ** params.export_supply_elasticity


def welfare_breakdown(tariffs: np.ndarray, imports: np.ndarray,
                      params: TariffParams = DEFAULT_PARAMS) -> WelfareBreakdown:
    """Each country's trade welfare at ``tariffs`` relative to free trade, by part.

    ``tariffs[i, j]`` is i's tariff on goods from j (0.63 = 63 %); ``imports[i, j]`` i's
    imports from j at free trade, USD bn per turn (see :func:`free_trade_imports`).
    """
    t, m = _check(tariffs, imports, params)
    eps, eta, s = params.import_demand_elasticity, params.export_supply_elasticity, params.welfare_scale
    p_w = world_price(t, params)
    q = m * p_w**eta
    p_dom = (1.0 + t) * p_w
    cs = _consumer_surplus(t, m, eps, eta)
    ps = _exporter_surplus(t, m, eps, eta)
    rev = t * p_w * q
    tot = (1.0 - p_w) * q  # what the exporter pays of i's tariff, on the quantity still traded
    dwl_import = -cs - (p_dom - 1.0) * q
    dwl_export = -ps - tot
    return WelfareBreakdown(
        revenue=s * rev.sum(axis=1),
        consumer_surplus=s * cs.sum(axis=1),
        producer_surplus=s * ps.sum(axis=0),  # i exports in the markets of column i
        terms_of_trade=s * (tot.sum(axis=1) - tot.sum(axis=0)),
        deadweight=s * (dwl_import.sum(axis=1) + dwl_export.sum(axis=0)),
    )


def trade_welfare(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Each country's trade welfare relative to free trade, USD bn per turn, shape ``(n,)``."""
    return welfare_breakdown(tariffs, imports, params).total


def marginal_gain(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """``[i, j]``: d(welfare of i) / d(tariffs[i, j]), USD bn per turn per unit of tariff.

    Positive below the optimal tariff 1 / eta, negative above: the terms-of-trade motive.
    """
    t, m = _check(tariffs, imports, params)
    eps, eta = params.import_demand_elasticity, params.export_supply_elasticity
    a = _share(eps, eta)
    p_w = world_price(t, params)
    value = p_w * m * p_w**eta
    return params.welfare_scale * a * value * (1.0 - t * eta) / (1.0 + t)


def partner_marginal_loss(tariffs: np.ndarray, imports: np.ndarray,
                          params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """``[i, j]``: d(welfare of j) / d(tariffs[i, j]) (negative): what i's tariff costs j at the margin."""
    t, m = _check(tariffs, imports, params)
    eps, eta = params.import_demand_elasticity, params.export_supply_elasticity
    p_w = world_price(t, params)
    # d/dt of m * (p_w**(1+eta) - 1)/(1+eta) = m * p_w**eta * dp_w/dt, dp_w/dt = -a p_w / (1+t)
    return -params.welfare_scale * _share(eps, eta) * m * p_w ** (1.0 + eta) / (1.0 + t)


def tariff_change_effect(tariffs: np.ndarray, imports: np.ndarray, i: int, j: int, level: float,
                         params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Change in every country's trade welfare (``(n,)``) if i's tariff on j moves to ``level``.

    What a strategy asks before "raise my tariff on j", or what a tariff concession is worth
    to each side, computed with the same rules that pay it.
    """
    t = np.array(tariffs, dtype=float)
    before = trade_welfare(t, imports, params)
    t[i, j] = level
    return trade_welfare(t, imports, params) - before


def optimal_tariff(params: TariffParams = DEFAULT_PARAMS) -> float | np.ndarray:
    """The tariff that maximises the setter's welfare: ``1 / eta`` (P16), scalar or per pair."""
    inverse = 1.0 / np.asarray(params.export_supply_elasticity, dtype=float)
    return float(inverse) if inverse.ndim == 0 else inverse


def best_response(tariffs: np.ndarray, imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """``[i, j]``: the tariff on j that maximises i's welfare given all other tariffs.

    Markets are separate, so it is ``1 / eta[i, j]`` whatever the others set (a dominant
    strategy); the diagonal is 0. ``tariffs`` is accepted so callers need not special-case
    a model where the best response depends on them.
    """
    t, _ = _check(tariffs, imports, params)
    br = np.broadcast_to(1.0 / np.asarray(params.export_supply_elasticity, dtype=float), t.shape).copy()
    np.fill_diagonal(br, 0.0)
    return br


def nash_tariffs(imports: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """The one-shot tariff game's Nash equilibrium: every country at its best response."""
    m = np.asarray(imports, dtype=float)
    return best_response(np.zeros_like(m), m, params)


def war_loss(imports: np.ndarray, gdp: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Each country's loss from a trade war (all at Nash tariffs) vs free trade, as a share of GDP.

    ``imports`` and ``gdp`` in the same units per turn (e.g. USD bn per month; GDP from P15 / 12).
    Negative for a country that gains (a large deficit country in a bilateral war; see docs).
    """
    m = np.asarray(imports, dtype=float)
    return -trade_welfare(nash_tariffs(m, params), m, params) / np.asarray(gdp, dtype=float)


def free_trade_imports(observed: np.ndarray, tariffs: np.ndarray, params: TariffParams = DEFAULT_PARAMS) -> np.ndarray:
    """Free-trade flows ``M0`` from observed import values at world prices under ``tariffs``.

    The observed value is ``p_w * Q = M0 * (1 + t) ** (-eps (1 + eta) / (eps + eta))``; invert it.
    """
    t = np.asarray(tariffs, dtype=float)
    eps, eta = params.import_demand_elasticity, params.export_supply_elasticity
    return np.asarray(observed, dtype=float) * (1.0 + t) ** (_share(eps, eta) * (1.0 + eta))


def balanced_imports(total_trade: np.ndarray) -> np.ndarray:
    """Directed flows from symmetric total bilateral trade: half each way.

    The engine's ``trade_exposure`` is exports + imports per pair. Halving it balances each
    pair's trade, so a mutual war costs both sides (see docs/bargaining.md on deficits).
    """
    total = np.asarray(total_trade, dtype=float)
    return (total + total.T) / 4.0 * (1.0 - np.eye(len(total)))


def pair_welfare(t_ij: float, t_ji: float, m_ij: float, m_ji: float,
                 params: TariffParams = DEFAULT_PARAMS) -> tuple[float, float]:
    """Trade welfare of (i, j) from their two tariffs on each other, USD bn per turn.

    ``t_ij`` is i's tariff on j, ``m_ij`` i's free-trade imports from j. Scalar parameters
    only (the elasticities must be scalars); the same sums as :func:`trade_welfare` on the
    pair, without building arrays, because the engine's stakes call it many times a turn.
    """
    eps, eta, s = params.import_demand_elasticity, params.export_supply_elasticity, params.welfare_scale
    in_i = _importer_gain(np.float64(t_ij), np.float64(m_ij), eps, eta)  # i imports from j
    in_j = _importer_gain(np.float64(t_ji), np.float64(m_ji), eps, eta)
    out_j = _exporter_surplus(np.float64(t_ij), np.float64(m_ij), eps, eta)  # j exports to i
    out_i = _exporter_surplus(np.float64(t_ji), np.float64(m_ji), eps, eta)
    return float(s * (in_i + out_i)), float(s * (in_j + out_j))
