<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AttractScreen</name>
    <message>
        <source>上街社区服务终端</source>
        <extracomment>figures a resident cares about, shown in this order (ids missing from the data are skipped) icon per figure topic (the five categories share their category&apos;s icon)</extracomment>
        <translation>Shangjie Community Services</translation>
    </message>
    <message>
        <source>上街区情</source>
        <translation>Shangjie in figures</translation>
    </message>
    <message>
        <source>上街新闻</source>
        <translation>Shangjie news</translation>
    </message>
    <message>
        <source>来源：</source>
        <translation>Source: </translation>
    </message>
    <message>
        <source>图：%1</source>
        <translation>Photo: %1</translation>
    </message>
</context>
<context>
    <name>CategoryScreen</name>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>现在开放</source>
        <translation>Open now</translation>
    </message>
    <message numerus="yes">
        <source>共 %n 项服务</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
    <message>
        <source>没有符合条件的服务。请点“全部”。</source>
        <translation>No service matches. Tap “All”.</translation>
    </message>
    <message>
        <source>共 %1%2</source>
        <translation>%1 %2</translation>
    </message>
    <message numerus="yes">
        <source>%n 处</source>
        <translation>
            <numerusform>%n place</numerusform>
            <numerusform>%n places</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 处现在开放</source>
        <translation>
            <numerusform>%n open now</numerusform>
            <numerusform>%n open now</numerusform>
        </translation>
    </message>
    <message>
        <source>电话 %1</source>
        <translation>Phone %1</translation>
    </message>
</context>
<context>
    <name>DetailScreen</name>
    <message>
        <source>用手机扫码，带走这些信息（无需上网）</source>
        <translation>Scan with your phone to take these details with you (no internet needed)</translation>
    </message>
    <message>
        <source>信息有误</source>
        <translation>Report a problem</translation>
    </message>
    <message>
        <source>来源：</source>
        <translation>Source: </translation>
    </message>
    <message>
        <source>这条信息哪里不对？</source>
        <translation>What is wrong with this information?</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>抱歉，现在无法记录。请拨打 12345 反映。</source>
        <translation>Sorry, this cannot be recorded right now. Please call 12345.</translation>
    </message>
    <message>
        <source>好的</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>谢谢！社区工作人员会核实这条信息。</source>
        <translation>Thank you! A community worker will check this information.</translation>
    </message>
</context>
<context>
    <name>FiguresScreen</name>
    <message>
        <source>%1年数据</source>
        <translation>%1 data</translation>
    </message>
    <message>
        <source>区情数字</source>
        <extracomment>chip → figure topics, in the order residents look for them</extracomment>
        <translation>District figures</translation>
    </message>
    <message>
        <source>民生服务</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>城区环境</source>
        <translation>City &amp; environment</translation>
    </message>
    <message>
        <source>经济发展</source>
        <translation>Economy</translation>
    </message>
    <message>
        <source>党建</source>
        <translation>Party building</translation>
    </message>
    <message>
        <source>来源：</source>
        <translation>Source: </translation>
    </message>
    <message>
        <source>以上数字均摘自%1。</source>
        <translation>All figures on this page are from %1.</translation>
    </message>
    <message>
        <source>城区生活改善</source>
        <translation>Better living in the city</translation>
    </message>
    <message>
        <source>空气质量（较2017年）</source>
        <translation>Air quality (vs 2017)</translation>
    </message>
    <message>
        <source>文化设施</source>
        <translation>Cultural facilities</translation>
    </message>
    <message>
        <source>引进资金较“十二五”增加</source>
        <translation>Investment growth over the 12th Five-Year Plan</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>搜索服务：拼音、手写、文字……</source>
        <translation>Search: type, pinyin or handwriting…</translation>
    </message>
    <message>
        <source>便民热线</source>
        <translation>Hotlines</translation>
    </message>
    <message>
        <source>上街新闻</source>
        <translation>Shangjie news</translation>
    </message>
    <message>
        <source>区里的发展和变化</source>
        <translation>How the district is changing</translation>
    </message>
    <message>
        <source>区情数字</source>
        <translation>District figures</translation>
    </message>
    <message>
        <source>图表看上街</source>
        <translation>Shangjie in charts</translation>
    </message>
    <message numerus="yes">
        <source>%n 项服务</source>
        <translation>
            <numerusform>%n service</numerusform>
            <numerusform>%n services</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HotlinesScreen</name>
    <message>
        <source>便民热线</source>
        <translation>Hotlines</translation>
    </message>
    <message>
        <source>请用电话拨打以下号码。</source>
        <translation>Call these numbers from any phone.</translation>
    </message>
    <message>
        <source>来源：《%1》</source>
        <translation>Source: “%1”</translation>
    </message>
</context>
<context>
    <name>NavBar</name>
    <message>
        <source>返回</source>
        <extracomment>朗读: reads the visible screen&apos;s speech_text(); made with the first page that has the bar (None until then, and for good where read-aloud is off)</extracomment>
        <translation>Back</translation>
    </message>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
</context>
<context>
    <name>NewsScreen</name>
    <message>
        <source>上街新闻</source>
        <translation>Shangjie news</translation>
    </message>
    <message>
        <source>中文原文</source>
        <translation>Original text (Chinese)</translation>
    </message>
    <message>
        <source>来源：《%1》</source>
        <translation>Source: “%1”</translation>
    </message>
</context>
<context>
    <name>Pager</name>
    <message>
        <source>上一页</source>
        <translation>Page up</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Page down</translation>
    </message>
</context>
<context>
    <name>PlaceCard</name>
    <message>
        <source>地址：%1</source>
        <translation>Address: %1</translation>
    </message>
    <message>
        <source>所在社区：%1</source>
        <translation>Community: %1</translation>
    </message>
    <message>
        <source>开放时间：%1</source>
        <translation>Hours: %1</translation>
    </message>
    <message>
        <source>交通：%1</source>
        <translation>Getting there: %1</translation>
    </message>
    <message>
        <source>无障碍设施：%1</source>
        <translation>Accessibility: %1</translation>
    </message>
    <message>
        <source>扫码带走这个地点</source>
        <translation>Scan to take this place with you</translation>
    </message>
    <message>
        <source>用手机扫码：这个地点的地址、开放时间和电话（无需上网）</source>
        <translation>Scan with your phone: this place&apos;s address, hours and phone (no internet needed)</translation>
    </message>
</context>
<context>
    <name>PlaceList</name>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message numerus="yes">
        <source>%n 处</source>
        <translation>
            <numerusform>%n place</numerusform>
            <numerusform>%n places</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n 处现在开放</source>
        <translation>
            <numerusform>%n open now</numerusform>
            <numerusform>%n open now</numerusform>
        </translation>
    </message>
    <message>
        <source>再显示 %1 处（还有 %2 处）</source>
        <translation>Show %1 more (%2 not shown yet)</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>上街社区服务终端</source>
        <translation>Shangjie Community Services</translation>
    </message>
    <message>
        <source>长辈模式</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>高对比度</source>
        <translation>High contrast</translation>
    </message>
</context>
</TS>
