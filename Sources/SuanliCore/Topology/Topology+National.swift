extension Topology {
    /// The built-in national layout: the 8 national computing hubs of 东数西算, their 10
    /// data-centre clusters and the main demand cities, with coordinates.
    public static let national = Topology(locations: nationalLocations)

    /// Codes of the eight national computing hubs.
    public static let hubCodes = [
        "hub.jingjinji", "hub.yangtze", "hub.greater-bay", "hub.chengdu-chongqing",
        "hub.inner-mongolia", "hub.guizhou", "hub.gansu", "hub.ningxia",
    ]

    static let nationalLocations: [Location] = [
        // Hubs, placed at their principal cluster.
        Location(code: "hub.jingjinji", name: "Beijing–Tianjin–Hebei hub 京津冀", kind: .hub, hub: "hub.jingjinji", region: .east, lat: 40.77, lon: 114.88),
        Location(code: "hub.yangtze", name: "Yangtze River Delta hub 长三角", kind: .hub, hub: "hub.yangtze", region: .east, lat: 31.02, lon: 120.90),
        Location(code: "hub.greater-bay", name: "Greater Bay Area hub 粤港澳大湾区", kind: .hub, hub: "hub.greater-bay", region: .east, lat: 24.81, lon: 113.60),
        Location(code: "hub.chengdu-chongqing", name: "Chengdu–Chongqing hub 成渝", kind: .hub, hub: "hub.chengdu-chongqing", region: .west, lat: 30.40, lon: 104.07),
        Location(code: "hub.inner-mongolia", name: "Inner Mongolia hub 内蒙古", kind: .hub, hub: "hub.inner-mongolia", region: .west, lat: 40.38, lon: 111.82),
        Location(code: "hub.guizhou", name: "Guizhou hub 贵州", kind: .hub, hub: "hub.guizhou", region: .west, lat: 26.42, lon: 106.40),
        Location(code: "hub.gansu", name: "Gansu hub 甘肃", kind: .hub, hub: "hub.gansu", region: .west, lat: 35.71, lon: 107.64),
        Location(code: "hub.ningxia", name: "Ningxia hub 宁夏", kind: .hub, hub: "hub.ningxia", region: .west, lat: 37.50, lon: 105.19),
        // The ten data-centre clusters.
        Location(code: "cluster.zhangjiakou", name: "Zhangjiakou 张家口", kind: .cluster, hub: "hub.jingjinji", region: .east, lat: 40.77, lon: 114.88),
        Location(code: "cluster.yangtze-demo-zone", name: "Yangtze Delta eco-green demo zone 长三角生态绿色一体化发展示范区", kind: .cluster, hub: "hub.yangtze", region: .east, lat: 31.02, lon: 120.90),
        Location(code: "cluster.wuhu", name: "Wuhu 芜湖", kind: .cluster, hub: "hub.yangtze", region: .central, lat: 31.33, lon: 118.38),
        Location(code: "cluster.shaoguan", name: "Shaoguan 韶关", kind: .cluster, hub: "hub.greater-bay", region: .east, lat: 24.81, lon: 113.60),
        Location(code: "cluster.tianfu", name: "Tianfu 天府", kind: .cluster, hub: "hub.chengdu-chongqing", region: .west, lat: 30.40, lon: 104.07),
        Location(code: "cluster.chongqing", name: "Chongqing 重庆", kind: .cluster, hub: "hub.chengdu-chongqing", region: .west, lat: 29.72, lon: 106.63),
        Location(code: "cluster.horinger", name: "Horinger 和林格尔", kind: .cluster, hub: "hub.inner-mongolia", region: .west, lat: 40.38, lon: 111.82),
        Location(code: "cluster.guian", name: "Gui'an 贵安", kind: .cluster, hub: "hub.guizhou", region: .west, lat: 26.42, lon: 106.40),
        Location(code: "cluster.qingyang", name: "Qingyang 庆阳", kind: .cluster, hub: "hub.gansu", region: .west, lat: 35.71, lon: 107.64),
        Location(code: "cluster.zhongwei", name: "Zhongwei 中卫", kind: .cluster, hub: "hub.ningxia", region: .west, lat: 37.50, lon: 105.19),
        // Demand cities; `hub` is the hub the city lies in, or else the nearest one by RTT.
        Location(code: "city.beijing", name: "Beijing 北京", kind: .city, hub: "hub.jingjinji", region: .east, lat: 39.90, lon: 116.41),
        Location(code: "city.tianjin", name: "Tianjin 天津", kind: .city, hub: "hub.jingjinji", region: .east, lat: 39.13, lon: 117.20),
        Location(code: "city.shanghai", name: "Shanghai 上海", kind: .city, hub: "hub.yangtze", region: .east, lat: 31.23, lon: 121.47),
        Location(code: "city.hangzhou", name: "Hangzhou 杭州", kind: .city, hub: "hub.yangtze", region: .east, lat: 30.27, lon: 120.16),
        Location(code: "city.nanjing", name: "Nanjing 南京", kind: .city, hub: "hub.yangtze", region: .east, lat: 32.06, lon: 118.80),
        Location(code: "city.hefei", name: "Hefei 合肥", kind: .city, hub: "hub.yangtze", region: .central, lat: 31.82, lon: 117.23),
        Location(code: "city.guangzhou", name: "Guangzhou 广州", kind: .city, hub: "hub.greater-bay", region: .east, lat: 23.13, lon: 113.26),
        Location(code: "city.shenzhen", name: "Shenzhen 深圳", kind: .city, hub: "hub.greater-bay", region: .east, lat: 22.54, lon: 114.06),
        Location(code: "city.wuhan", name: "Wuhan 武汉", kind: .city, hub: "hub.yangtze", region: .central, lat: 30.59, lon: 114.31),
        Location(code: "city.changsha", name: "Changsha 长沙", kind: .city, hub: "hub.greater-bay", region: .central, lat: 28.23, lon: 112.94),
        Location(code: "city.zhengzhou", name: "Zhengzhou 郑州", kind: .city, hub: "hub.gansu", region: .central, lat: 34.75, lon: 113.62),
        Location(code: "city.chengdu", name: "Chengdu 成都", kind: .city, hub: "hub.chengdu-chongqing", region: .west, lat: 30.66, lon: 104.07),
        Location(code: "city.chongqing", name: "Chongqing 重庆", kind: .city, hub: "hub.chengdu-chongqing", region: .west, lat: 29.56, lon: 106.55),
        Location(code: "city.xian", name: "Xi'an 西安", kind: .city, hub: "hub.gansu", region: .west, lat: 34.34, lon: 108.94),
        Location(code: "city.hohhot", name: "Hohhot 呼和浩特", kind: .city, hub: "hub.inner-mongolia", region: .west, lat: 40.84, lon: 111.75),
        Location(code: "city.guiyang", name: "Guiyang 贵阳", kind: .city, hub: "hub.guizhou", region: .west, lat: 26.65, lon: 106.63),
        Location(code: "city.lanzhou", name: "Lanzhou 兰州", kind: .city, hub: "hub.gansu", region: .west, lat: 36.06, lon: 103.83),
        Location(code: "city.yinchuan", name: "Yinchuan 银川", kind: .city, hub: "hub.ningxia", region: .west, lat: 38.49, lon: 106.23),
    ]
}
